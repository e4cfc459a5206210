/// The realm server's signing key: made at start (or read from `--key`), published in its JWKS.
///
/// Introduced in step 9. An RSA-2048 key whose `kid` is its RFC 7638 JWK
/// thumbprint (``JSONWebKey/thumbprint``), so the same key always has the same id. Only the public half
/// leaves the process.
import Crypto
import CryptoExtras
import Foundation

public struct RealmSigningKey: Sendable {
    public let keyID: String
    public let publicJWK: JSONWebKey
    /// The public key, DER (SPKI) in base64: the `public_key` of Keycloak's realm document.
    public let publicKeyBase64: String
    let signer: JWTSigner
    let publicKeyPEM: String

    /// A new key, or the PKCS#8 PEM given.
    public init(privateKeyPEM: String? = nil) throws {
        let key =
            try privateKeyPEM.map { pem in
                do { return try _RSA.Signing.PrivateKey(pemRepresentation: pem) } catch {
                    throw RealmSigningKeyError.notRSAPrivateKey
                }
            } ?? _RSA.Signing.PrivateKey(keySize: .bits2048)
        let primitives = try key.publicKey.getKeyPrimitives()
        var jwk = JSONWebKey(
            kty: "RSA", use: "sig", alg: "RS256", n: Data(primitives.modulus).base64URLEncodedString(),
            e: Data(primitives.publicExponent).base64URLEncodedString())
        guard let thumbprint = jwk.thumbprint else { throw RealmSigningKeyError.noThumbprint }
        jwk.kid = thumbprint
        keyID = thumbprint
        publicJWK = jwk
        publicKeyBase64 = key.publicKey.derRepresentation.base64EncodedString()
        publicKeyPEM = key.publicKey.pemRepresentation
        signer = JWTSigner(key: key, keyID: thumbprint)
    }

    /// Signs `claims` (RS256, this key's `kid`, `typ` JWT).
    func sign(_ claims: some Encodable) throws -> String {
        try signer.sign(claims)
    }

    /// A verifier for tokens this key signed, for the userinfo endpoint.
    func verificationKey() throws -> VerificationKey {
        try VerificationKey.rsa(publicKeyPEM: publicKeyPEM, id: keyID)
    }
}

/// The RSA key's JWK had no modulus or exponent to take a thumbprint of (not expected to happen).
enum RealmSigningKeyError: Error, CustomStringConvertible {
    case noThumbprint
    case notRSAPrivateKey

    var description: String {
        switch self {
        case .noThumbprint: "the signing key has no JWK thumbprint"
        case .notRSAPrivateKey: "the key given with --key is not an RSA private key in PEM (PKCS#8 or PKCS#1)"
        }
    }
}
