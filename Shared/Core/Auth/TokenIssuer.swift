/// Signs access tokens with the demo private key.
///
/// Introduced in step 6, for `gen-token`, and used again by step 7's demo token
/// endpoint, so both mint the same tokens: RS256, header `kid`, and the claims
/// of ``AccessTokenClaims`` (`jti` included, as RFC 9068 asks).
///
/// ```swift
/// let issuer = try TokenIssuer(privateKeyPEM: pem, keyID: "mcp-key-1", issuer: "mcp-simple-auth")
/// let token = try issuer.issue(username: "alice", scopes: ["mcp:read", "mcp:tools"], audience: ["mcp-server"])
/// ```
import CryptoExtras
public import Foundation

public struct TokenIssuer: Sendable {
    /// The issuer of the posts' demo tokens (steps 6–8).
    public static let demoIssuer = "mcp-simple-auth"
    /// The audience of the posts' demo tokens.
    public static let demoAudience = "mcp-server"

    public let issuer: String
    public let keyID: String
    let signer: JWTSigner

    /// - Throws: when `pem` is not an RSA private key of at least 2048 bits (PKCS#8 or PKCS#1).
    public init(privateKeyPEM pem: String, keyID: String, issuer: String) throws {
        self.issuer = issuer
        self.keyID = keyID
        self.signer = JWTSigner(key: try _RSA.Signing.PrivateKey(pemRepresentation: pem), keyID: keyID)
    }

    /// A signed token and the claims in it.
    public struct IssuedToken: Sendable {
        public let token: String
        public let claims: AccessTokenClaims
    }

    public func issue(
        username: String, scopes: [String], roles: [String] = [], audience: [String], lifetime: TimeInterval = 3600,
        now: Date = Date(), boundTo jkt: String? = nil
    ) throws -> IssuedToken {
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = AccessTokenClaims(
            iss: issuer, sub: username, aud: audience, exp: issuedAt.addingTimeInterval(lifetime), iat: issuedAt,
            jti: UUID().uuidString.lowercased(), preferredUsername: username, scope: scopes.joined(separator: " "),
            scopes: scopes,
            roles: roles.isEmpty ? nil : roles, cnf: jkt.map(AccessTokenClaims.Confirmation.init(jkt:)))
        let token = try signer.sign(claims)
        return IssuedToken(token: token, claims: claims)
    }
}
