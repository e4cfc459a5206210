/// The claims of the realm server's tokens, shaped as Keycloak 26 shapes them.
///
/// Introduced in step 9. An access token for mcp-user, asked for
/// `openid profile email mcp:read mcp:tools mcp:prompts` by `mcp-test-client`:
///
/// ```json
/// {"acr":"1","aud":"echo-mcp-server","azp":"mcp-test-client","email":"mcp-user@example.com","email_verified":true,
///  "exp":…,"family_name":"User","given_name":"MCP","iat":…,"iss":"http://localhost:8080/realms/mcp-realm","jti":"…",
///  "name":"MCP User","preferred_username":"mcp-user","realm_access":{"roles":["default-roles-mcp-realm"]},
///  "resource_access":{"echo-mcp-server":{"roles":["read-only","tools"]}},"scope":"openid profile email mcp:read mcp:tools",
///  "sid":"…","sub":"…","typ":"Bearer"}
/// ```
///
/// A token bound to a key carries `"cnf":{"jkt":"<thumbprint of the key>"}` and
/// `typ` naming its scheme.
public import Foundation

public struct RealmTokenClaims: Encodable, Sendable, Equatable {
    public struct Roles: Codable, Sendable, Equatable {
        public var roles: [String]
    }

    public var exp: Date
    public var iat: Date
    public var jti: String
    public var iss: String
    /// One audience is written as a string, as Keycloak writes it; more as an array.
    public var aud: [String]?
    public var sub: String
    /// `Bearer` for access tokens (another scheme when bound to a key), `ID` for ID tokens.
    public var typ: String
    /// The client the token was issued to.
    public var azp: String
    public var sid: String?
    public var nonce: String?
    public var acr: String?
    public var scope: String?
    public var realmAccess: Roles?
    public var resourceAccess: [String: Roles]?
    public var preferredUsername: String?
    public var email: String?
    public var emailVerified: Bool?
    public var name: String?
    public var givenName: String?
    public var familyName: String?
    /// The key the access token is bound to (RFC 7800).
    public var cnf: AccessTokenClaims.Confirmation?

    enum CodingKeys: String, CodingKey {
        case exp, iat, jti, iss, aud, sub, typ, azp, sid, nonce, acr, scope, email, name, cnf
        case realmAccess = "realm_access"
        case resourceAccess = "resource_access"
        case preferredUsername = "preferred_username"
        case emailVerified = "email_verified"
        case givenName = "given_name"
        case familyName = "family_name"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(exp, forKey: .exp)
        try container.encode(iat, forKey: .iat)
        try container.encode(jti, forKey: .jti)
        try container.encode(iss, forKey: .iss)
        try container.encodeAudience(aud, forKey: .aud)
        try container.encode(sub, forKey: .sub)
        try container.encode(typ, forKey: .typ)
        try container.encode(azp, forKey: .azp)
        try container.encodeIfPresent(sid, forKey: .sid)
        try container.encodeIfPresent(nonce, forKey: .nonce)
        try container.encodeIfPresent(acr, forKey: .acr)
        try container.encodeIfPresent(scope, forKey: .scope)
        try container.encodeIfPresent(realmAccess, forKey: .realmAccess)
        try container.encodeIfPresent(resourceAccess, forKey: .resourceAccess)
        try container.encodeIfPresent(preferredUsername, forKey: .preferredUsername)
        try container.encodeIfPresent(email, forKey: .email)
        try container.encodeIfPresent(emailVerified, forKey: .emailVerified)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(givenName, forKey: .givenName)
        try container.encodeIfPresent(familyName, forKey: .familyName)
        try container.encodeIfPresent(cnf, forKey: .cnf)
    }
}
