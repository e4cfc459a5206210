/// DPoP proofs for the tests of step 10, Going further: DPoP: good ones made by
/// hand (so each header and claim can be bent), and the forgeries an attacker would try.
import Crypto
import CryptoExtras
public import Foundation
public import Shared

public enum ForgedProof {
    /// The claims of a proof for `method` `url` at `issuedAt`, with `ath` for `accessToken` if given.
    public static func claims(
        method: String = "POST", url: String, accessToken: String? = nil, issuedAt: Date = Date(),
        jti: String = DPoPKey.randomJTI()
    ) -> [String: Any] {
        var claims: [String: Any] = ["jti": jti, "htm": method, "htu": url, "iat": Int(issuedAt.timeIntervalSince1970)]
        if let accessToken { claims["ath"] = DPoPProof.accessTokenHash(accessToken) }
        return claims
    }

    /// The JWK of `key` as a JSON object.
    public static func jwk(_ key: DPoPKey) -> [String: Any] {
        ["kty": "EC", "crv": "P-256", "x": key.publicJWK.x!, "y": key.publicJWK.y!]
    }

    /// The header of a good ES256 proof by `key`.
    public static func header(_ key: DPoPKey) -> [String: Any] {
        ["typ": "dpop+jwt", "alg": "ES256", "jwk": jwk(key)]
    }

    /// `header` and `claims`, signed ES256 with `key`'s private key (whatever the header says).
    public static func es256(header: [String: Any], claims: [String: Any], key: DPoPKey) -> String {
        ForgedToken.signES256(header: header, claims: claims, key: key.privateKey)
    }

    /// A good ES256 proof by `key`, with `edit` applied to its header and claims first.
    public static func proof(
        _ key: DPoPKey, method: String = "POST", url: String, accessToken: String? = nil, issuedAt: Date = Date(),
        jti: String = DPoPKey.randomJTI(),
        edit: (inout [String: Any], inout [String: Any]) -> Void = { _, _ in }
    ) -> String {
        var header = header(key)
        var claims = claims(method: method, url: url, accessToken: accessToken, issuedAt: issuedAt, jti: jti)
        edit(&header, &claims)
        return es256(header: header, claims: claims, key: key)
    }

    /// An RS256 proof with `key`, its `jwk` the RSA public key.
    public static func rs256(claims: [String: Any], key: _RSA.Signing.PrivateKey) -> String {
        let primitives = try! key.publicKey.getKeyPrimitives()
        let jwk = [
            "kty": "RSA", "n": Data(primitives.modulus).base64URLEncodedString(),
            "e": Data(primitives.publicExponent).base64URLEncodedString(),
        ]
        let input =
            ForgedToken.segment(["typ": "dpop+jwt", "alg": "RS256", "jwk": jwk]) + "." + ForgedToken.segment(claims)
        let signature = try! key.signature(for: SHA256.hash(data: Data(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + signature.rawRepresentation.base64URLEncodedString()
    }

    /// `alg: HS256`, MACed with a secret, and a symmetric (`oct`) jwk naming it: no proof of any private key.
    public static func hs256(claims: [String: Any]) -> String {
        let secret = Data("a shared secret that proves nothing".utf8)
        let header: [String: Any] = [
            "typ": "dpop+jwt", "alg": "HS256", "jwk": ["kty": "oct", "k": secret.base64URLEncodedString()],
        ]
        let input = ForgedToken.segment(header) + "." + ForgedToken.segment(claims)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: secret))
        return input + "." + Data(mac).base64URLEncodedString()
    }

    /// `alg: none`, no signature, with `key`'s public jwk.
    public static func unsigned(claims: [String: Any], key: DPoPKey) -> String {
        ForgedToken.segment(["typ": "dpop+jwt", "alg": "none", "jwk": jwk(key)]) + "." + ForgedToken.segment(claims)
            + "."
    }
}

/// Access tokens bound (or not) to a DPoP key, signed by a test issuer's ES256 key, for the middleware tests.
public struct TestTokenIssuer: Sendable {
    public let key: P256.Signing.PrivateKey
    public let keyID: String
    public let issuer: String
    public let audience: String

    public init(
        issuer: String = "https://issuer.test", audience: String = "https://resource.test/mcp",
        keyID: String = "test-key"
    ) {
        self.key = P256.Signing.PrivateKey()
        self.keyID = keyID
        self.issuer = issuer
        self.audience = audience
    }

    /// The key set a verifier trusts these tokens with.
    public var keySet: LocalKeySet { LocalKeySet([VerificationKey.es256(key.publicKey, id: keyID)]) }

    /// A token for `username`, bound to `boundTo`'s thumbprint (`cnf.jkt`) if given; `cnf` as given overrides.
    public func token(
        _ username: String, scopes: [String] = ["mcp:tools"], boundTo: DPoPKey? = nil, cnf: [String: Any]? = nil
    ) -> String {
        var claims: [String: Any] = [
            "iss": issuer, "aud": audience, "sub": username, "preferred_username": username,
            "scope": scopes.joined(separator: " "),
            "iat": Int(Date().timeIntervalSince1970), "exp": Int(Date().addingTimeInterval(600).timeIntervalSince1970),
        ]
        if let boundTo { claims["cnf"] = ["jkt": boundTo.thumbprint] }
        if let cnf { claims["cnf"] = cnf }
        return ForgedToken.signES256(header: ["alg": "ES256", "typ": "at+jwt", "kid": keyID], claims: claims, key: key)
    }
}
