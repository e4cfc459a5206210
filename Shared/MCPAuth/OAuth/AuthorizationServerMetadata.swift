/// OAuth 2.0 Authorization Server Metadata (RFC 8414): what an authorization server offers, and where.
///
/// Introduced in step 7 for the demo issuer (a token endpoint, no authorization
/// endpoint); the realm server of step 9 fills in the rest, and the client of
/// step 11 reads it. Only endpoints that exist are listed.
///
/// - SeeAlso: RFC 8414 §2–3, RFC 9449 §5.1
public import Hummingbird

public struct AuthorizationServerMetadata: Codable, Sendable, Equatable, ResponseGenerator {
    public var issuer: String
    public var authorizationEndpoint: String?
    public var tokenEndpoint: String?
    public var jwksURI: String?
    public var registrationEndpoint: String?
    public var userinfoEndpoint: String?
    public var scopesSupported: [String]?
    public var responseTypesSupported: [String]
    public var grantTypesSupported: [String]?
    public var tokenEndpointAuthMethodsSupported: [String]?
    public var codeChallengeMethodsSupported: [String]?
    public var authorizationResponseIssParameterSupported: Bool?
    /// `resource_indicators_supported`: that the token endpoint honours RFC 8707 `resource`. Not a registered
    /// RFC 8414 field (metadata may carry others), but the posts' demo server publishes it, so step 7 does too.
    public var resourceIndicatorsSupported: Bool?
    /// `true` when a client may name itself by the URL of its metadata document (MCP 2025-11-25 Authorization ›
    /// Client ID Metadata Documents); nil otherwise.
    public var clientIDMetadataDocumentSupported: Bool?
    /// The proof algorithms the token endpoint accepts for key-bound tokens (RFC 9449 §5.1).
    public var dpopSigningAlgValuesSupported: [String]?

    /// The well-known path (RFC 8414 §3).
    public static let wellKnownPath = "/.well-known/oauth-authorization-server"

    public init(
        issuer: String, authorizationEndpoint: String? = nil, tokenEndpoint: String? = nil, jwksURI: String? = nil,
        registrationEndpoint: String? = nil, userinfoEndpoint: String? = nil, scopesSupported: [String]? = nil,
        responseTypesSupported: [String], grantTypesSupported: [String]? = nil,
        tokenEndpointAuthMethodsSupported: [String]? = nil,
        codeChallengeMethodsSupported: [String]? = nil, authorizationResponseIssParameterSupported: Bool? = nil,
        resourceIndicatorsSupported: Bool? = nil
    ) {
        self.issuer = issuer
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.jwksURI = jwksURI
        self.registrationEndpoint = registrationEndpoint
        self.userinfoEndpoint = userinfoEndpoint
        self.scopesSupported = scopesSupported
        self.responseTypesSupported = responseTypesSupported
        self.grantTypesSupported = grantTypesSupported
        self.tokenEndpointAuthMethodsSupported = tokenEndpointAuthMethodsSupported
        self.codeChallengeMethodsSupported = codeChallengeMethodsSupported
        self.authorizationResponseIssParameterSupported = authorizationResponseIssParameterSupported
        self.resourceIndicatorsSupported = resourceIndicatorsSupported
    }

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case jwksURI = "jwks_uri"
        case registrationEndpoint = "registration_endpoint"
        case userinfoEndpoint = "userinfo_endpoint"
        case scopesSupported = "scopes_supported"
        case responseTypesSupported = "response_types_supported"
        case grantTypesSupported = "grant_types_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case authorizationResponseIssParameterSupported = "authorization_response_iss_parameter_supported"
        case resourceIndicatorsSupported = "resource_indicators_supported"
        case clientIDMetadataDocumentSupported = "client_id_metadata_document_supported"
        case dpopSigningAlgValuesSupported = "dpop_signing_alg_values_supported"
    }

    public func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        try .json(self, headers: [.cacheControl: "public, max-age=3600"])
    }
}
