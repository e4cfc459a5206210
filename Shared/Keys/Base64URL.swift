/// Base64url without padding, the encoding of JWTs, JWKs and PKCEVerifier.
///
/// Introduced in step 5 (the `n` and `e` of a JWK).
///
/// - SeeAlso: RFC 7515 §2 (Base64url Encoding), RFC 4648 §5
public import Foundation

extension Data {
    /// This data as base64url, without `=` padding.
    public func base64URLEncodedString() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url with or without padding; nil when `string` is not base64url.
    public init?(base64URLEncoded string: some StringProtocol) {
        guard string.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = string.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
