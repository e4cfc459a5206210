/// Signs JWTs with an RSA private key: RS256, in compact serialization.
///
/// Introduced in step 6, where `gen-token` mints the posts' demo tokens
/// (``TokenIssuer``); step 9's realm server signs its access and ID tokens with
/// it too (``RealmSigningKey``). The header is
/// `{"alg":"RS256","kid":"<key id>","typ":"JWT"}`; the claims are any
/// `Encodable`, written as compact JSON with sorted keys, and times as
/// NumericDate (whole seconds since 1970 when whole). The signature is
/// RSASSA-PKCS1-v1_5 with SHA-256 over `base64url(header) "." base64url(claims)`,
/// which ``VerificationKey`` checks.
///
/// - SeeAlso: RFC 7515 §5.1 and §7.1, RFC 7518 §3.3, RFC 7519 §2 (NumericDate)
import CryptoExtras
import Foundation

struct JWTSigner: Sendable {
    let key: _RSA.Signing.PrivateKey
    let keyID: String

    private struct Header: Encodable {
        let alg = "RS256"
        let kid: String
        let typ = "JWT"
    }

    func sign(_ claims: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            let seconds = date.timeIntervalSince1970
            if seconds.rounded(.down) == seconds, let whole = Int64(exactly: seconds) {
                try container.encode(whole)
            } else {
                try container.encode(seconds)
            }
        }
        let input =
            try encoder.encode(Header(kid: keyID)).base64URLEncodedString() + "."
            + encoder.encode(claims).base64URLEncodedString()
        let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + signature.rawRepresentation.base64URLEncodedString()
    }
}
