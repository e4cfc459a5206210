/// The claims of an access token, as this project issues and reads them.
///
/// Introduced in step 6. The posts' demo tokens carry `iss` `mcp-simple-auth`,
/// `aud` `mcp-server`, `sub`, `iat`, `exp`, `preferred_username`, the granted
/// scopes twice (`scope`, space-separated as in OAuth; `scopes`, an array) and
/// `roles`. Keycloak's tokens (step 10) carry roles in `realm_access` and
/// `resource_access` instead. A DPoP-bound token (step 10, Going further:
/// DPoP) carries `cnf` `{"jkt":"<thumbprint of the client's key>"}`.
///
/// ``TokenVerifier`` decodes them only after the signature checks out, and
/// applies the time, issuer and audience rules itself (they need a clock, a
/// leeway and this server's configuration). ``verify(using:)``, which jwt-kit's
/// `JWTPayload` asks for (``TokenIssuer`` signs with jwt-kit), does nothing.
///
/// - SeeAlso: RFC 7519 §4.1, RFC 9068 §2.2, RFC 7800 §3.1 and RFC 9449 §6.1 (`cnf`)
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
    /// The key the token is bound to (RFC 7800); nil for a bearer token.
    public var cnf: Confirmation?

    /// `cnf`: how the token is bound to a key. This server understands `jkt` (RFC 9449 §6.1) only.
    public struct Confirmation: Codable, Sendable, Equatable {
        /// The RFC 7638 thumbprint of the DPoP key.
        public var jkt: String?
        /// Whether `cnf` names a confirmation method other than `jkt` (`x5t#S256`, `jwk`, …).
        public var hasOtherMethods: Bool

        public init(jkt: String) {
            self.jkt = jkt
            self.hasOtherMethods = false
        }

        struct MemberName: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: MemberName.self)
            jkt = try container.decodeIfPresent(String.self, forKey: MemberName(stringValue: "jkt"))
            hasOtherMethods = container.allKeys.contains { $0.stringValue != "jkt" }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: MemberName.self)
            try container.encodeIfPresent(jkt, forKey: MemberName(stringValue: "jkt"))
        }
    }

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, nbf, iat, jti, scope, scopes, roles, cnf
        case preferredUsername = "preferred_username"
    }

    /// Reads the claims as plain JSON values and wraps them in jwt-kit's claim types afterwards: the same rules as
    /// jwt-kit's own decoding (`aud` a string or an array of strings, times as NumericDate seconds), without its
    /// per-claim decoders (a one-string `aud` goes through a whole nested decoder there). This runs once per new token.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func time(_ key: CodingKeys) throws -> Date? {
            try container.decodeIfPresent(Double.self, forKey: key).map(Date.init(timeIntervalSince1970:))
        }
        iss = try container.decodeIfPresent(String.self, forKey: .iss).map(IssuerClaim.init(value:))
        sub = try container.decodeIfPresent(String.self, forKey: .sub).map(SubjectClaim.init(value:))
        if try !container.contains(.aud) || container.decodeNil(forKey: .aud) {
            aud = nil
        } else if let one = try? container.decode(String.self, forKey: .aud) {
            aud = AudienceClaim(value: [one])
        } else {
            aud = AudienceClaim(value: try container.decode([String].self, forKey: .aud))
        }
        exp = try time(.exp).map(ExpirationClaim.init(value:))
        nbf = try time(.nbf).map(NotBeforeClaim.init(value:))
        iat = try time(.iat).map(IssuedAtClaim.init(value:))
        jti = try container.decodeIfPresent(String.self, forKey: .jti).map(IDClaim.init(value:))
        preferredUsername = try container.decodeIfPresent(String.self, forKey: .preferredUsername)
        scope = try container.decodeIfPresent(String.self, forKey: .scope)
        scopes = try container.decodeIfPresent([String].self, forKey: .scopes)
        roles = try container.decodeIfPresent([String].self, forKey: .roles)
        cnf = try container.decodeIfPresent(Confirmation.self, forKey: .cnf)
    }

    public init(
        iss: String? = nil, sub: String? = nil, aud: [String]? = nil, exp: Date? = nil, nbf: Date? = nil, iat: Date? = nil,
        jti: String? = nil, preferredUsername: String? = nil, scope: String? = nil, scopes: [String]? = nil, roles: [String]? = nil,
        cnf: Confirmation? = nil
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
        self.cnf = cnf
    }

    /// Checked by ``TokenVerifier``, with a leeway and an injectable clock.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// Every scope granted, from `scope` and `scopes` together.
    public var grantedScopes: Set<String> {
        Set((scope ?? "").split(separator: " ").map(String.init)).union(scopes ?? [])
    }
}
