/// The body of `GET /health`.
///
/// Introduced in step 1 as `{"status":"healthy"}`. Later steps fill in the
/// flags that say what they switched on, so a learner's script can ask a
/// running server what it does; a flag left `nil` is not written.
///
/// | field | from step |
/// |---|---|
/// | `jwt_enabled`, `jwks_available` | 5 |
/// | `auth_required` | 6 |
/// | `oauth_metadata` (links to the metadata documents) | 7 |
/// | `scope_based_auth` | 8 |
/// | `keycloak_integration` (realm, issuer, `jwks_uri`, key freshness) | 10 |
///
/// ```swift
/// router.get("/health") { _, _ in HealthStatus(jwtEnabled: true, jwksAvailable: keys != nil) }
/// ```
public import Hummingbird

public struct HealthStatus: ResponseGenerator, Encodable, Sendable {
    /// `healthy`; `degraded` when the server runs but cannot do its job yet (step 10 without keys from the authorization server).
    public var status = "healthy"
    public var jwtEnabled: Bool?
    public var jwksAvailable: Bool?
    public var authRequired: Bool?
    public var oauthMetadata: OAuthMetadataLinks?
    public var scopeBasedAuth: Bool?
    public var keycloakIntegration: KeycloakIntegration?

    /// Where a step's OAuth metadata documents are (step 7 on).
    public struct OAuthMetadataLinks: Encodable, Sendable, Equatable {
        public let protectedResource: String
        public let authorizationServer: String

        public init(protectedResource: String, authorizationServer: String) {
            self.protectedResource = protectedResource
            self.authorizationServer = authorizationServer
        }

        enum CodingKeys: String, CodingKey {
            case protectedResource = "protected_resource"
            case authorizationServer = "authorization_server"
        }
    }

    /// The authorization server a step-10 server trusts, and the state of its keys.
    public struct KeycloakIntegration: Encodable, Sendable {
        public let realm: String
        public let issuer: String
        public let jwksURI: String?
        public let keys: KeySetStatus

        public init(realm: String, issuer: String, keys: KeySetStatus) {
            self.realm = realm
            self.issuer = issuer
            self.jwksURI = keys.jwksURI
            self.keys = keys
        }

        enum CodingKeys: String, CodingKey {
            case realm, issuer, keys
            case jwksURI = "jwks_uri"
        }
    }

    public init(
        jwtEnabled: Bool? = nil, jwksAvailable: Bool? = nil, authRequired: Bool? = nil,
        oauthMetadata: OAuthMetadataLinks? = nil,
        scopeBasedAuth: Bool? = nil, keycloakIntegration: KeycloakIntegration? = nil
    ) {
        self.jwtEnabled = jwtEnabled
        self.jwksAvailable = jwksAvailable
        self.authRequired = authRequired
        self.oauthMetadata = oauthMetadata
        self.scopeBasedAuth = scopeBasedAuth
        self.keycloakIntegration = keycloakIntegration
    }

    enum CodingKeys: String, CodingKey {
        case status
        case jwtEnabled = "jwt_enabled"
        case jwksAvailable = "jwks_available"
        case authRequired = "auth_required"
        case oauthMetadata = "oauth_metadata"
        case scopeBasedAuth = "scope_based_auth"
        case keycloakIntegration = "keycloak_integration"
    }

    public func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        try .json(self)
    }
}

extension ProtectedResource {
    /// The `oauth_metadata` links of `/health`: this resource's metadata and its first authorization server's.
    public var healthLinks: HealthStatus.OAuthMetadataLinks {
        HealthStatus.OAuthMetadataLinks(
            protectedResource: ProtectedResourceMetadata.url(serverURL: serverURL),
            authorizationServer: (metadata.authorizationServers.first ?? serverURL)
                + AuthorizationServerMetadata.wellKnownPath)
    }
}
