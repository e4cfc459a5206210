/// OAuth 2.0 Protected Resource Metadata (RFC 9728): how a client learns who issues tokens for this server.
///
/// Introduced in step 7. An MCP client that gets a 401 follows the challenge's
/// `resource_metadata` here, reads `authorization_servers`, and goes to discover
/// that server. Served at the path-scoped URL
/// `/.well-known/oauth-protected-resource/mcp` (RFC 9728 §3.1 for the resource
/// `<server>/mcp`) and at the root, where older clients look.
///
/// ```json
/// {"authorization_servers":["http://localhost:9000"],"bearer_methods_supported":["header"],
///  "mcp_protocol_version":"2025-06-18","resource":"http://localhost:9000/mcp","resource_type":"mcp-server",
///  "scopes_supported":["mcp:read","mcp:tools","mcp:prompts"]}
/// ```
///
/// `resource_name` (RFC 9728), and `mcp_protocol_version` and `resource_type`
/// (the posts' extra fields; RFC 9728 lets metadata carry more than it
/// defines), are absent unless given: the steps give the posts' values
/// (``ResourceDescription/posts``).
///
/// - SeeAlso: RFC 9728 §2–3; MCP 2025-06-18, Authorization › Authorization Server Discovery
public import Hummingbird

public struct ProtectedResourceMetadata: Codable, Sendable, Equatable, ResponseGenerator {
    public var resource: String
    public var authorizationServers: [String]
    public var scopesSupported: [String]
    public var bearerMethodsSupported = ["header"]
    public var resourceName: String?
    public var mcpProtocolVersion: String?
    public var resourceType: String?
    /// The proof algorithms accepted for key-bound tokens (RFC 9728 §2, RFC 9449 §5.2); nil when none are taken.
    public var dpopSigningAlgValuesSupported: [String]?
    /// `true` when only key-bound tokens are accepted (RFC 9728 §2); nil otherwise.
    public var dpopBoundAccessTokensRequired: Bool?

    /// The well-known path prefix (RFC 9728 §3).
    public static let wellKnownPath = "/.well-known/oauth-protected-resource"

    public init(
        resource: String, authorizationServers: [String], scopesSupported: [String],
        resourceName: String? = nil, mcpProtocolVersion: String? = nil, resourceType: String? = nil
    ) {
        self.resource = resource
        self.authorizationServers = authorizationServers
        self.scopesSupported = scopesSupported
        self.resourceName = resourceName
        self.mcpProtocolVersion = mcpProtocolVersion
        self.resourceType = resourceType
    }

    enum CodingKeys: String, CodingKey {
        case resource
        case authorizationServers = "authorization_servers"
        case scopesSupported = "scopes_supported"
        case bearerMethodsSupported = "bearer_methods_supported"
        case resourceName = "resource_name"
        case mcpProtocolVersion = "mcp_protocol_version"
        case resourceType = "resource_type"
        case dpopSigningAlgValuesSupported = "dpop_signing_alg_values_supported"
        case dpopBoundAccessTokensRequired = "dpop_bound_access_tokens_required"
    }

    /// The metadata URL for a resource at `serverURL + path` (`…/.well-known/oauth-protected-resource/mcp`).
    public static func url(serverURL: String, resourcePath: String = "/mcp") -> String {
        serverURL + wellKnownPath + resourcePath
    }

    /// Serves this document at the path-scoped URL and at the root.
    public func addRoutes<Context: Hummingbird.RequestContext>(
        to router: Router<Context>, resourcePath: String = "/mcp"
    ) {
        router.get(RouterPath(Self.wellKnownPath + resourcePath)) { _, _ in self }
        router.get(RouterPath(Self.wellKnownPath)) { _, _ in self }
    }

    public func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        try .json(self, headers: [.cacheControl: "public, max-age=3600"])
    }
}
