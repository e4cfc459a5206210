/// The realm as the built-in authorization server uses it: clients, users, scopes and the rules between them.
///
/// Introduced in step 9. Built once from the ``RealmRepresentation``; it
/// answers the questions a token request asks, the way Keycloak 26 does:
///
/// - which client scopes apply: the client's default scopes, plus the optional
///   ones the request names (`openid` is always allowed); another name is `invalid_scope`;
/// - which of those the user gets: a scope with role scope mappings is applied
///   only for a user holding one of its roles (so `mcp:tools` needs the client
///   role `tools` of `echo-mcp-server`);
/// - which audiences: those the applied scopes' audience mappers add
///   (`echo-mcp-server`), or the RFC 8707 `resource` when one is given.
///
/// Pure in-memory lookups.
import Crypto
public import Foundation

public struct Realm: Sendable {
    public let name: String
    public let accessTokenLifespan: TimeInterval
    public let refreshTokenLifespan: TimeInterval
    /// Keycloak's "SSO Session Max" (`ssoSessionMaxLifespan`): how long a session lives at most, however often its
    /// refresh token is rotated (RFC 9700 §4.14.2).
    public let sessionMaxLifespan: TimeInterval
    /// The resources (RFC 8707) tokens may be issued for: the realm attribute `mcp.resources` (space-separated).
    public let resources: Set<String>
    /// Whether any loopback MCP endpoint (`http://localhost:<port>/mcp`, `127.0.0.1`, `[::1]`) is a known resource too
    /// (the attribute `mcp.resources.loopback`): the tutorial's steps run on whatever port a learner gives them.
    public let loopbackResources: Bool
    public let clients: [String: RealmClient]
    public let users: [String: RealmUser]
    public let scopes: [String: RealmScope]
    public let defaultScopes: [String]
    public let optionalScopes: [String]
    public let registrationPolicy: RegistrationPolicy

    /// Scopes any OpenID Connect request may name; `openid` itself maps to no client scope.
    public static let openID = "openid"

    public init(_ representation: RealmRepresentation) {
        name = representation.realm
        accessTokenLifespan = TimeInterval(representation.accessTokenLifespan ?? 300)
        refreshTokenLifespan = TimeInterval(representation.ssoSessionIdleTimeout ?? 1800)
        sessionMaxLifespan = TimeInterval(representation.ssoSessionMaxLifespan ?? 36000)
        resources = Set((representation.attributes?["mcp.resources"] ?? "").split(separator: " ").map(String.init))
        loopbackResources = representation.attributes?["mcp.resources.loopback"] == "true"
        var requiredRoles: [String: Set<RealmUser.ClientRole>] = [:]
        for (client, mappings) in representation.clientScopeMappings ?? [:] {
            for mapping in mappings {
                requiredRoles[mapping.clientScope, default: []].formUnion(
                    mapping.roles.map { RealmUser.ClientRole(client: client, role: $0) })
            }
        }
        scopes = Dictionary(
            uniqueKeysWithValues: (representation.clientScopes ?? []).map { scope in
                (scope.name, RealmScope(scope, requiredRoles: requiredRoles[scope.name] ?? []))
            })
        clients = Dictionary(
            uniqueKeysWithValues: (representation.clients ?? []).map { ($0.clientId, RealmClient($0)) })
        users = Dictionary(
            uniqueKeysWithValues: (representation.users ?? []).map {
                ($0.username, RealmUser($0, realm: representation.realm))
            })
        defaultScopes = representation.defaultDefaultClientScopes ?? []
        optionalScopes = representation.defaultOptionalClientScopes ?? []
        registrationPolicy = RegistrationPolicy(
            components: representation.components?[
                "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"] ?? [])
    }

    /// What a token for `user` (nil for a client's own service account) gets from `client` for `requested` scopes.
    public struct Grant: Sendable, Equatable {
        /// The `scope` claim: `openid` if asked, then the applied scopes that show in tokens.
        public let scope: [String]
        /// The `aud` claim.
        public let audience: [String]
    }

    /// Applies the realm's scope rules.
    ///
    /// - Throws: ``OAuthError/invalidScope(_:)`` naming a scope the client may not ask for.
    public func grant(
        client: RealmClient, roles: Set<RealmUser.ClientRole>, requested: [String], resource: String?
    ) throws(OAuthError) -> Grant {
        let allowed = Set(client.defaultScopes + client.optionalScopes)
        if let unknown = requested.first(where: { $0 != Self.openID && !allowed.contains($0) }) {
            throw .invalidScope("Invalid scopes: \(unknown)")
        }
        let candidates = client.defaultScopes + client.optionalScopes.filter { requested.contains($0) }
        let applied = candidates.compactMap { scopes[$0] }.filter {
            $0.requiredRoles.isEmpty || !$0.requiredRoles.isDisjoint(with: roles)
        }
        let scope =
            (requested.contains(Self.openID) ? [Self.openID] : []) + applied.filter(\.includeInTokenScope).map(\.name)
        var audience: [String] = []
        for name in applied.flatMap(\.audiences) where !audience.contains(name) { audience.append(name) }
        return Grant(scope: scope, audience: resource.map { [$0] } ?? audience)
    }
}

/// A client scope: whether it shows in `scope`, the audiences it adds, the roles it needs.
public struct RealmScope: Sendable, Equatable {
    public let name: String
    /// What the scope lets a client do, as the consent page shows it.
    public let description: String?
    public let includeInTokenScope: Bool
    public let audiences: [String]
    public let requiredRoles: Set<RealmUser.ClientRole>

    init(_ scope: ClientScopeRepresentation, requiredRoles: Set<RealmUser.ClientRole>) {
        name = scope.name
        description = scope.description
        includeInTokenScope = scope.attributes?["include.in.token.scope"] != "false"
        audiences = (scope.protocolMappers ?? []).filter {
            $0.protocolMapper == "oidc-audience-mapper" && $0.config?["access.token.claim"] != "false"
        }
        .compactMap { $0.config?["included.client.audience"] ?? $0.config?["included.custom.audience"] }
        self.requiredRoles = requiredRoles
    }
}

/// A client of the realm, from the realm file or registered at run time (RFC 7591).
public struct RealmClient: Sendable, Equatable {
    public let clientID: String
    public let name: String?
    public let isPublic: Bool
    public let secret: String?
    public let redirectURIs: [String]
    public let grantTypes: Set<String>
    public let defaultScopes: [String]
    public let optionalScopes: [String]
    /// When the client was registered (RFC 7591 `client_id_issued_at`); nil for realm-file clients.
    public let issuedAt: Date?
    /// The browser origins that may call the token, userinfo and registration endpoints for this client, serialised
    /// (``RealmCORSMiddleware``): Keycloak's `webOrigins`, where `+` stands for the origins of the redirect URIs.
    public let webOrigins: Set<String>

    public init(
        clientID: String, name: String?, isPublic: Bool, secret: String?, redirectURIs: [String],
        grantTypes: Set<String>,
        defaultScopes: [String], optionalScopes: [String], issuedAt: Date? = nil, webOrigins: [String] = ["+"]
    ) {
        self.clientID = clientID
        self.name = name
        self.isPublic = isPublic
        self.secret = secret
        self.redirectURIs = redirectURIs
        self.grantTypes = grantTypes
        self.defaultScopes = defaultScopes
        self.optionalScopes = optionalScopes
        self.issuedAt = issuedAt
        self.webOrigins = Set(
            webOrigins.flatMap { $0 == "+" ? redirectURIs.compactMap { WebOrigin(uri: $0)?.serialised } : [$0] }
                .compactMap { $0 == "*" ? "*" : WebOrigin($0)?.serialised })
    }

    /// Whether a browser at `origin` (serialised) may call the realm's endpoints for this client.
    func allowsWebOrigin(_ origin: String) -> Bool {
        webOrigins.contains(origin) || webOrigins.contains("*")
    }

    init(_ client: ClientRepresentation) {
        var grants: Set<String> = []
        if client.standardFlowEnabled ?? true { grants.formUnion(["authorization_code", "refresh_token"]) }
        if client.directAccessGrantsEnabled ?? false { grants.formUnion(["password", "refresh_token"]) }
        if client.serviceAccountsEnabled ?? false, !(client.publicClient ?? false) {
            grants.insert("client_credentials")
        }
        self.init(
            clientID: client.clientId, name: client.name, isPublic: client.publicClient ?? false, secret: client.secret,
            redirectURIs: client.redirectUris ?? [], grantTypes: grants,
            defaultScopes: client.defaultClientScopes ?? [],
            optionalScopes: client.optionalClientScopes ?? [], webOrigins: client.webOrigins ?? [])
    }
}

/// A user of the realm, with a stable id (Keycloak's `sub` is a UUID).
public struct RealmUser: Sendable, Equatable {
    /// A role of a client, e.g. `tools` of `echo-mcp-server`.
    public struct ClientRole: Hashable, Sendable {
        public let client: String
        public let role: String
    }

    public let id: String
    public let username: String
    public let password: String?
    public let email: String?
    public let emailVerified: Bool
    public let firstName: String?
    public let lastName: String?
    public let roles: Set<ClientRole>
    public let enabled: Bool

    init(_ user: UserRepresentation, realm: String) {
        id = Self.stableID(realm: realm, username: user.username)
        username = user.username
        password = user.credentials?.first { $0.type == "password" }?.value
        email = user.email
        emailVerified = user.emailVerified ?? false
        firstName = user.firstName
        lastName = user.lastName
        roles = Set(
            (user.clientRoles ?? [:]).flatMap { client, roles in roles.map { ClientRole(client: client, role: $0) } })
        enabled = user.enabled ?? true
    }

    /// A UUID-shaped id derived from the realm and username, the same on every start.
    static func stableID(realm: String, username: String) -> String {
        let hex = SHA256.hash(data: Data("\(realm)/\(username)".utf8)).prefix(16).map { String(format: "%02x", $0) }
            .joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    /// `First Last`, as Keycloak's `name` claim.
    public var fullName: String? {
        let name = [firstName, lastName].compactMap { $0 }.joined(separator: " ")
        return name.isEmpty ? nil : name
    }
}

/// The anonymous client-registration policy: trusted hosts and allowed scopes.
public struct RegistrationPolicy: Sendable, Equatable {
    /// Hosts redirect URIs may name (Keycloak's `trusted-hosts`, with `client-uris-must-match`).
    public let trustedHosts: Set<String>
    /// Scopes a registration may ask for (Keycloak's `allowed-client-templates`).
    public let allowedScopes: Set<String>

    init(components: [ComponentRepresentation]) {
        let anonymous = components.filter { ($0.subType ?? "anonymous") == "anonymous" }
        trustedHosts = Set(anonymous.first { $0.providerId == "trusted-hosts" }?.config?["trusted-hosts"] ?? [])
        allowedScopes = Set(
            anonymous.first { $0.providerId == "allowed-client-templates" }?.config?["allowed-client-scopes"] ?? [])
    }
}

extension Realm {
    /// Whether this realm issues tokens for `resource`: one of ``resources``, or, with ``loopbackResources``, an http
    /// URL on a loopback host, any port, whose path is `/mcp`. RFC 8707 §2: anything else is `invalid_target`.
    public func knowsResource(_ resource: String) -> Bool {
        if resources.contains(resource) { return true }
        guard loopbackResources, let url = URLComponents(string: resource), url.scheme == "http",
            ["localhost", "127.0.0.1", "[::1]", "::1"].contains(url.host ?? ""), url.path == "/mcp", url.query == nil,
            url.fragment == nil, url.user == nil
        else { return false }
        return true
    }
}
