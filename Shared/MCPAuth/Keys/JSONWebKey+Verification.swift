/// Turning a published JWK into a key to verify with.
///
/// Introduced in step 10, for the keys fetched from the authorization
/// server's JWKS. The algorithm follows from the key, never from a token:
/// an RSA key verifies RS256, an EC P-256 key ES256. Keys for encryption
/// (`use` `enc`, which Keycloak also publishes), keys with another declared
/// algorithm, symmetric keys and malformed keys are skipped.
import Crypto
import CryptoExtras
import Foundation

extension JSONWebKey {
    /// A verification key for this JWK, or nil when it is not a signing key this server accepts.
    public func verificationKey() -> VerificationKey? {
        guard use == nil || use == "sig" else { return nil }
        switch (kty, alg ?? (kty == "RSA" ? "RS256" : "ES256")) {
        case ("RSA", "RS256"):
            guard let n = n.flatMap(Data.init(base64URLEncoded:)), let e = e.flatMap(Data.init(base64URLEncoded:)),
                let key = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { return nil }
            return .rs256(key, id: kid)
        case ("EC", "ES256"):
            guard crv == "P-256", let x = x.flatMap(Data.init(base64URLEncoded:)),
                let y = y.flatMap(Data.init(base64URLEncoded:)),
                x.count == 32, y.count == 32, let key = try? P256.Signing.PublicKey(rawRepresentation: x + y)
            else { return nil }
            return .es256(key, id: kid)
        default:
            return nil
        }
    }
}
