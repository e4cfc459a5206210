/// The claims of an access token, as this project issues and reads them.
///
/// Introduced in step 6. The posts' demo tokens carry `iss` `mcp-simple-auth`,
/// `aud` `mcp-server`, `sub`, `iat`, `exp`, `preferred_username`, the granted
/// scopes twice (`scope`, space-separated as in OAuth; `scopes`, an array) and
/// `roles`. Keycloak's tokens (step 10) carry roles in `realm_access` and
/// `resource_access` instead. A token bound to a key carries `cnf`
/// `{"jkt":"<thumbprint of the client's key>"}`.
///
/// ``TokenVerifier`` decodes them only after the signature checks out, and
/// applies the time, issuer and audience rules itself (they need a clock, a
/// leeway and this server's configuration). They encode as a token carries
/// them, for the demo token issuers.
///
/// - SeeAlso: RFC 7519 §4.1, RFC 9068 §2.2, RFC 7800 §3.1 and RFC 9449 §6.1 (`cnf`)
public import Foundation

public struct AccessTokenClaims: Encodable, Sendable, Equatable {
    public var iss: String?
    public var sub: String?
    /// One audience is written as a string; more as an array (RFC 7519 §4.1.3 allows both).
    public var aud: [String]?
    public var exp: Date?
    public var nbf: Date?
    public var iat: Date?
    public var jti: String?
    public var preferredUsername: String?
    public var scope: String?
    public var scopes: [String]?
    public var roles: [String]?
    /// The key the token is bound to (RFC 7800); nil for a bearer token.
    public var cnf: Confirmation?

    /// `cnf`: how the token is bound to a key. This server understands `jkt` (RFC 9449 §6.1) only.
    public struct Confirmation: Codable, Sendable, Equatable {
        /// The RFC 7638 thumbprint of the key the token is bound to.
        public var jkt: String?
        /// Whether `cnf` names a confirmation method other than `jkt` (`x5t#S256`, `jwk`, …).
        public var hasOtherMethods: Bool

        public init(jkt: String) {
            self.init(jkt: jkt, hasOtherMethods: false)
        }

        init(jkt: String?, hasOtherMethods: Bool) {
            self.jkt = jkt
            self.hasOtherMethods = hasOtherMethods
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

    public init(
        iss: String? = nil, sub: String? = nil, aud: [String]? = nil, exp: Date? = nil, nbf: Date? = nil,
        iat: Date? = nil,
        jti: String? = nil, preferredUsername: String? = nil, scope: String? = nil, scopes: [String]? = nil,
        roles: [String]? = nil,
        cnf: Confirmation? = nil
    ) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.exp = exp
        self.nbf = nbf
        self.iat = iat
        self.jti = jti
        self.preferredUsername = preferredUsername
        self.scope = scope
        self.scopes = scopes
        self.roles = roles
        self.cnf = cnf
    }

    /// The claims in `json`, a token's payload, as ``TokenVerifier`` reads them; nil when it is not a JSON object
    /// (``JSONValue``) or a registered claim has the wrong type: `iss`, `sub`, `jti`, `preferred_username` and `scope`
    /// strings; `aud` a string or an array of strings; `exp`, `nbf` and `iat` numbers (NumericDate, seconds since 1970);
    /// `scopes` and `roles` arrays of strings; `cnf` an object whose `jkt` is a string. A `null` is an absent claim;
    /// claims of other names are ignored.
    ///
    /// The verifier's reader: one pass over the bytes with no per-claim decoder, since it runs for every token not seen
    /// before.
    init?(json: Data) {
        guard case .object(let claims)? = JSONValue.parse(json) else { return nil }
        struct WrongType: Error {}
        func string(_ name: String) throws(WrongType) -> String? {
            switch claims[name] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            default: throw WrongType()
            }
        }
        func strings(_ value: JSONValue?) throws(WrongType) -> [String]? {
            switch value {
            case nil, .null?: return nil
            case .array(let elements)?:
                return try elements.map { element throws(WrongType) in
                    guard case .string(let value) = element else { throw WrongType() }
                    return value
                }
            default: throw WrongType()
            }
        }
        func audience() throws(WrongType) -> [String]? {
            if case .string(let one)? = claims["aud"] { return [one] }
            return try strings(claims["aud"])
        }
        func time(_ name: String) throws(WrongType) -> Date? {
            switch claims[name] {
            case nil, .null?: return nil
            case .integer(let seconds)?: return Date(timeIntervalSince1970: TimeInterval(seconds))
            case .number(let seconds)?: return Date(timeIntervalSince1970: seconds)
            default: throw WrongType()
            }
        }
        do throws(WrongType) {
            self.init(
                iss: try string("iss"), sub: try string("sub"),
                aud: try audience(),
                exp: try time("exp"), nbf: try time("nbf"), iat: try time("iat"), jti: try string("jti"),
                preferredUsername: try string("preferred_username"), scope: try string("scope"),
                scopes: try strings(claims["scopes"]),
                roles: try strings(claims["roles"]))
            switch claims["cnf"] {
            case nil, .null?: cnf = nil
            case .object(let members)?:
                guard members["jkt"] == nil || members["jkt"]?.string != nil else { throw WrongType() }
                cnf = Confirmation(jkt: members["jkt"]?.string, hasOtherMethods: members.keys.contains { $0 != "jkt" })
            default: throw WrongType()
            }
        } catch {
            return nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(iss, forKey: .iss)
        try container.encodeIfPresent(sub, forKey: .sub)
        try container.encodeAudience(aud, forKey: .aud)
        try container.encodeIfPresent(exp, forKey: .exp)
        try container.encodeIfPresent(nbf, forKey: .nbf)
        try container.encodeIfPresent(iat, forKey: .iat)
        try container.encodeIfPresent(jti, forKey: .jti)
        try container.encodeIfPresent(preferredUsername, forKey: .preferredUsername)
        try container.encodeIfPresent(scope, forKey: .scope)
        try container.encodeIfPresent(scopes, forKey: .scopes)
        try container.encodeIfPresent(roles, forKey: .roles)
        try container.encodeIfPresent(cnf, forKey: .cnf)
    }

    /// Every scope granted, from `scope` and `scopes` together.
    public var grantedScopes: Set<String> {
        // Split on the UTF-8 spaces (RFC 6749 §3.3: scopes are separated by %x20): String's split compares Characters.
        var granted = Set(scopes ?? [])
        for name in (scope ?? "").utf8.split(separator: UInt8(ascii: " ")) { granted.insert(String(Substring(name))) }
        return granted
    }
}

extension KeyedEncodingContainer {
    /// `aud` as tokens carry it: one audience as a string, more as an array, none not at all (RFC 7519 §4.1.3).
    package mutating func encodeAudience(_ audiences: [String]?, forKey key: Key) throws {
        guard let audiences else { return }
        if audiences.count == 1 { try encode(audiences[0], forKey: key) } else { try encode(audiences, forKey: key) }
    }
}
