/// Turning a published JWK into a key to verify with.
///
/// Introduced in step 10, for the keys fetched from the authorization
/// server's JWKS. The algorithm follows from the key, never from a token:
/// an RSA key verifies RS256, an EC P-256 key ES256. Keys for encryption
/// (`use` `enc`, which Keycloak also publishes), keys with another declared
/// algorithm, symmetric keys and malformed keys are skipped.
import JWTKit

extension JSONWebKey {
    /// A verification key for this JWK, or nil when it is not a signing key this server accepts.
    func verificationKey() async -> VerificationKey? {
        guard use == nil || use == "sig" else { return nil }
        switch (kty, alg ?? (kty == "RSA" ? "RS256" : "ES256")) {
        case ("RSA", "RS256"):
            guard let n, let e, let key = try? Insecure.RSA.PublicKey(modulus: n, exponent: e) else { return nil }
            return VerificationKey(id: kid, algorithm: "RS256", verifier: await JWTKeyCollection().add(rsa: key, digestAlgorithm: .sha256))
        case ("EC", "ES256"):
            guard crv == "P-256", let x, let y, let key = try? ES256PublicKey(parameters: (x: x, y: y)) else { return nil }
            return VerificationKey(id: kid, algorithm: "ES256", verifier: await JWTKeyCollection().add(ecdsa: key))
        default:
            return nil
        }
    }
}
