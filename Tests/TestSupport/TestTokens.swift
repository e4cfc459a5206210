/// Tokens for the auth tests: good ones signed with the repository's demo key,
/// and the forgeries an attacker would try.
import Crypto
import CryptoExtras
public import Foundation
public import Shared

/// The repository's demo keys, as the steps read them.
public enum DemoKeys {
    /// `keys/` at the repository root.
    public static var directory: KeyDirectory {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return KeyDirectory(path: root.appendingPathComponent("keys").path)
    }

    public static func publicKeys() async -> PublicKeys {
        await PublicKeys.load(from: directory)
    }

    /// Signs as gen-token does, or as another issuer / under another kid.
    public static func issuer(
        _ issuer: String = TokenIssuer.demoIssuer, kid: String = KeyDirectory.demoKeyID
    ) async throws -> TokenIssuer {
        try TokenIssuer(privateKeyPEM: directory.privateKeyPEM()!, keyID: kid, issuer: issuer)
    }

    /// A gen-token token for `username` with `scopes` (and `roles`), for `audience`.
    public static func token(
        _ username: String, scopes: [String] = [], roles: [String] = [],
        audience: [String] = [TokenIssuer.demoAudience],
        lifetime: TimeInterval = 3600, issuer: String = TokenIssuer.demoIssuer
    ) async throws -> String {
        try await self.issuer(issuer).issue(
            username: username, scopes: scopes, roles: roles, audience: audience, lifetime: lifetime
        ).token
    }
}

/// The users of the step-8 matrix, as gen-token would mint them.
public enum MatrixUser: String, CaseIterable, Sendable {
    case alice, bob, admin, guest

    public var scopes: [String] {
        switch self {
        case .alice: ["mcp:read", "mcp:tools"]
        case .bob: ["mcp:read", "mcp:prompts"]
        case .admin: ["mcp:read", "mcp:tools", "mcp:prompts"]
        case .guest: []
        }
    }

    public var roles: [String] { self == .admin ? ["admin"] : [] }

    public func token() async throws -> String {
        try await DemoKeys.token(rawValue, scopes: scopes, roles: roles)
    }
}

/// Tokens an attacker would try; each must get 401.
public enum ForgedToken {
    /// The claims of a token that would otherwise pass in steps 6–8.
    public static func claims(exp: Date = Date().addingTimeInterval(3600)) -> [String: Any] {
        [
            "iss": TokenIssuer.demoIssuer, "aud": TokenIssuer.demoAudience, "sub": "mallory",
            "preferred_username": "mallory",
            "scope": "mcp:read mcp:tools mcp:prompts", "roles": ["admin"], "iat": Int(Date().timeIntervalSince1970),
            "exp": Int(exp.timeIntervalSince1970),
        ]
    }

    /// `alg: none`, no signature.
    public static func unsigned() -> String {
        segment(["alg": "none", "typ": "JWT"]) + "." + segment(claims()) + "."
    }

    /// `alg: HS256`, "signed" with the server's public key PEM as the HMAC secret (the key-confusion attack).
    public static func hmacWithPublicKey() -> String {
        let input = segment(["alg": "HS256", "typ": "JWT", "kid": KeyDirectory.demoKeyID]) + "." + segment(claims())
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(input.utf8), using: SymmetricKey(data: Data(DemoKeys.directory.publicKeyPEM()!.utf8)))
        return input + "." + Data(mac).base64URLEncodedString()
    }

    /// A valid token whose payload was swapped for one granting more; the signature is the original's.
    public static func tamperedPayload(_ token: String) -> String {
        let parts = token.split(separator: ".").map(String.init)
        return parts[0] + "." + segment(claims()) + "." + parts[2]
    }

    /// A valid token with one signature byte changed.
    public static func tamperedSignature(_ token: String) -> String {
        var parts = token.split(separator: ".").map(String.init)
        var signature = Data(base64URLEncoded: parts[2])!
        signature[signature.startIndex] ^= 0x01
        parts[2] = signature.base64URLEncodedString()
        return parts.joined(separator: ".")
    }

    /// RS256 under our kid (or `kid`), but signed with a key the attacker made.
    public static func signedWithAnotherKey(
        kid: String = KeyDirectory.demoKeyID, issuer: String = TokenIssuer.demoIssuer
    ) async throws -> String {
        let signer = try TokenIssuer(privateKeyPEM: attackerKeyPEM, keyID: kid, issuer: issuer)
        return try signer.issue(
            username: "mallory", scopes: ["mcp:read", "mcp:tools"], roles: ["admin"],
            audience: [TokenIssuer.demoAudience, "echo-mcp-server"]
        ).token
    }

    /// The attacker's RSA key, made once.
    static let attackerKeyPEM = try! _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation

    /// A correctly signed token without `exp`.
    public static func withoutExpiry() -> String {
        var claims = claims()
        claims["exp"] = nil
        return signWithDemoKey(header: ["alg": "RS256", "typ": "JWT", "kid": KeyDirectory.demoKeyID], claims: claims)
    }

    /// A correctly signed token that is not valid before `notBefore`.
    public static func notYetValid(_ notBefore: Date) -> String {
        var claims = claims()
        claims["nbf"] = Int(notBefore.timeIntervalSince1970)
        return signWithDemoKey(header: ["alg": "RS256", "typ": "JWT", "kid": KeyDirectory.demoKeyID], claims: claims)
    }

    /// Signs arbitrary header and claims with the demo key (RS256).
    public static func signWithDemoKey(header: [String: Any], claims: [String: Any]) -> String {
        signWithDemoKey(signingInput: segment(header) + "." + segment(claims))
    }

    /// Signs `header.payload`, already base64url, with the demo key (RS256): for claims no dictionary can hold.
    public static func signWithDemoKey(signingInput input: String) -> String {
        let key = try! _RSA.Signing.PrivateKey(pemRepresentation: DemoKeys.directory.privateKeyPEM()!)
        let signature = try! key.signature(for: SHA256.hash(data: Data(input.utf8)), padding: .insecurePKCS1v1_5)
        return input + "." + signature.rawRepresentation.base64URLEncodedString()
    }

    /// Signs arbitrary header and claims with `key` (ES256: the signature is `r || s`, RFC 7518 §3.4).
    public static func signES256(header: [String: Any], claims: [String: Any], key: P256.Signing.PrivateKey) -> String {
        let input = segment(header) + "." + segment(claims)
        return input + "." + (try! key.signature(for: Data(input.utf8))).rawRepresentation.base64URLEncodedString()
    }

    static func segment(_ object: [String: Any]) -> String {
        try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).base64URLEncodedString()
    }
}
