/// A JWS in compact serialization, `header.payload.signature`, split on its bytes.
///
/// Introduced in step 6 for access tokens. Nothing in it is trusted yet: the
/// header says which key and algorithm to check with, the signature is checked
/// over ``signingInput`` (the first two parts exactly as sent), and only then
/// is the payload read.
///
/// - SeeAlso: RFC 7515 §7.1 (JWS Compact Serialization)
import Foundation

struct CompactJWS {
    /// The protected header as sent (base64url).
    let encodedHeader: ArraySlice<UInt8>
    /// The protected header, decoded from base64url (JSON, not yet parsed).
    let header: Data
    /// The payload, decoded from base64url (JSON, not yet parsed).
    let payload: Data
    /// The signature bytes.
    let signature: Data
    /// `header.payload` as sent: what the signature signs.
    let signingInput: ArraySlice<UInt8>

    /// Splits `token`; nil unless it is three base64url parts.
    init?(_ token: String) {
        let bytes = Array(token.utf8)
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Data(base64URLEncodedBytes: parts[0]),
            let payload = Data(base64URLEncodedBytes: parts[1]),
            let signature = Data(base64URLEncodedBytes: parts[2])
        else { return nil }
        self.encodedHeader = parts[0]
        self.header = header
        self.payload = payload
        self.signature = signature
        self.signingInput = bytes[..<parts[1].endIndex]
    }
}
