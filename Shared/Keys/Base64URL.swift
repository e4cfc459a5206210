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
        self.init(base64URLEncodedBytes: string.utf8)
    }

    /// Decodes base64url given as ASCII bytes (part of a token, say); nil when they are not base64url.
    /// Works on bytes: this runs on every token, and Unicode character properties cost.
    public init?(base64URLEncodedBytes encoded: some Collection<UInt8>) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.count + 3)
        for byte in encoded {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): bytes.append(byte)
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): bytes.append(UInt8(ascii: "/"))
            default: return nil
            }
        }
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "="), count: (4 - bytes.count % 4) % 4))
        self.init(base64Encoded: Data(bytes))
    }
}
