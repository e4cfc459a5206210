/// The claims of an access token, as this project issues and reads them.
///
/// Introduced in step 6. The posts' demo tokens carry `iss` `mcp-simple-auth`,
/// `aud` `mcp-server`, `sub`, `iat`, `exp`, `preferred_username`, the granted
/// scopes twice (`scope`, space-separated as in OAuth; `scopes`, an array) and
/// `roles`. Keycloak's tokens (step 10) carry roles in `realm_access` and
/// `resource_access` instead.
///
/// ``TokenVerifier`` decodes them only after the signature checks out, and
/// applies the time, issuer and audience rules itself (they need a clock, a
/// leeway and this server's configuration). ``verify(using:)``, which jwt-kit's
/// `JWTPayload` asks for (``TokenIssuer`` signs with jwt-kit), does nothing.
///
/// - SeeAlso: RFC 7519 §4.1, RFC 9068 §2.2
public import Foundation
public import JWTKit

public struct AccessTokenClaims: JWTPayload, Equatable {
    public var iss: IssuerClaim?
    public var sub: SubjectClaim?
    public var aud: AudienceClaim?
    public var exp: ExpirationClaim?
    public var nbf: NotBeforeClaim?
    public var iat: IssuedAtClaim?
    public var jti: IDClaim?
    public var preferredUsername: String?
    public var scope: String?
    public var scopes: [String]?
    public var roles: [String]?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, nbf, iat, jti, scope, scopes, roles
        case preferredUsername = "preferred_username"
    }

    public init(
        iss: String? = nil, sub: String? = nil, aud: [String]? = nil, exp: Date? = nil, nbf: Date? = nil, iat: Date? = nil,
        jti: String? = nil, preferredUsername: String? = nil, scope: String? = nil, scopes: [String]? = nil, roles: [String]? = nil
    ) {
        self.iss = iss.map(IssuerClaim.init(value:))
        self.sub = sub.map(SubjectClaim.init(value:))
        self.aud = aud.map(AudienceClaim.init(value:))
        self.exp = exp.map(ExpirationClaim.init(value:))
        self.nbf = nbf.map(NotBeforeClaim.init(value:))
        self.iat = iat.map(IssuedAtClaim.init(value:))
        self.jti = jti.map(IDClaim.init(value:))
        self.preferredUsername = preferredUsername
        self.scope = scope
        self.scopes = scopes
        self.roles = roles
    }

    /// Checked by ``TokenVerifier``, with a leeway and an injectable clock.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// Every scope granted, from `scope` and `scopes` together.
    public var grantedScopes: Set<String> {
        Set((scope ?? "").split(separator: " ").map(String.init)).union(scopes ?? [])
    }
}
