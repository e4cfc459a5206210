/// A JSON Web Key Set: the public keys a verifier may trust, as `GET /.well-known/jwks.json` serves them.
///
/// Introduced in step 5. An RSA key is published with its key id, `alg`
/// `RS256`, `use` `sig`, and its modulus `n` and exponent `e` in base64url
/// without padding:
///
/// ```json
/// {"keys":[{"alg":"RS256","e":"AQAB","kid":"mcp-key-1","kty":"RSA","n":"u1SU1L…","use":"sig"}]}
/// ```
///
/// - SeeAlso: RFC 7517 §4–5, RFC 7518 §6.3.1
public import Crypto
import CryptoExtras
import Foundation

public struct JSONWebKeySet: Codable, Sendable, Equatable {
    public var keys: [JSONWebKey]

    public init(keys: [JSONWebKey]) {
        self.keys = keys
    }
}

public struct JSONWebKey: Codable, Sendable, Equatable {
    public var kty: String
    public var kid: String?
    public var use: String?
    public var alg: String?
    public var n: String?
    public var e: String?
    public var crv: String?
    public var x: String?
    public var y: String?

    public init(
        kty: String, kid: String? = nil, use: String? = nil, alg: String? = nil, n: String? = nil, e: String? = nil
    ) {
        self.kty = kty
        self.kid = kid
        self.use = use
        self.alg = alg
        self.n = n
        self.e = e
    }

    /// The JWK of an EC P-256 public key, for ES256 signatures.
    public static func p256(_ key: P256.Signing.PublicKey, kid: String? = nil) -> JSONWebKey {
        let raw = key.rawRepresentation  // x || y, 32 bytes each
        var jwk = JSONWebKey(kty: "EC", kid: kid)
        (jwk.crv, jwk.x, jwk.y) = (
            "P-256", Data(raw.prefix(32)).base64URLEncodedString(), Data(raw.suffix(32)).base64URLEncodedString()
        )
        return jwk
    }

    /// The JWK of an RSA public key in PEM (SPKI), for RS256 signatures.
    ///
    /// - Throws: when `pem` is not an RSA public key of at least 2048 bits.
    public static func rsa(publicKeyPEM pem: String, kid: String) throws -> JSONWebKey {
        let primitives = try _RSA.Signing.PublicKey(pemRepresentation: pem).getKeyPrimitives()
        return JSONWebKey(
            kty: "RSA", kid: kid, use: "sig", alg: "RS256",
            n: Data(primitives.modulus).base64URLEncodedString(),
            e: Data(primitives.publicExponent).base64URLEncodedString())
    }
}
