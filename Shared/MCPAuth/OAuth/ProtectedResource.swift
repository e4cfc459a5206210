/// This server as an OAuth protected resource: its identifier, its metadata, its challenge.
///
/// Introduced in step 7. Everything is derived from the public URL once, at
/// start: the resource identifier `<url>/mcp` (RFC 8707; accepted as a token
/// audience), the RFC 9728 metadata naming the authorization servers, and the
/// `WWW-Authenticate` challenge whose `resource_metadata` points at it.
///
/// ```swift
/// let resource = ProtectedResource(serverURL: "http://localhost:9000", authorizationServers: [issuer], scopes: ["mcp:read"])
/// resource.metadata.addRoutes(to: router)
/// ```
public import Hummingbird

public struct ProtectedResource: Sendable {
    public let serverURL: String
    /// The path of the MCP endpoint on the server, `/mcp` unless given.
    public let resourcePath: String
    public let metadata: ProtectedResourceMetadata
    public let challenge: BearerChallenge

    /// The proof-of-possession policy the metadata advertises (``ProtectedResource+DPoP``); nil for bearer tokens only.
    public let dpop: DPoPPolicy?

    public init(
        serverURL: String, resourcePath: String = "/mcp", authorizationServers: [String], scopes: [String],
        dpop: DPoPPolicy? = nil, description: ResourceDescription = ResourceDescription()
    ) {
        self.serverURL = serverURL
        self.resourcePath = resourcePath
        var metadata = ProtectedResourceMetadata(
            resource: serverURL + resourcePath, authorizationServers: authorizationServers, scopesSupported: scopes,
            resourceName: description.name, mcpProtocolVersion: description.mcpProtocolVersion,
            resourceType: description.type)
        if let dpop { metadata.advertise(dpop) }
        self.metadata = metadata
        self.challenge = BearerChallenge(
            resourceMetadata: ProtectedResourceMetadata.url(serverURL: serverURL, resourcePath: resourcePath))
        self.dpop = dpop
    }

    /// The resource identifier, `<server URL><resource path>`.
    public var identifier: String { metadata.resource }

    /// Serves the metadata at its path-scoped URL and at the root (RFC 9728 §3).
    public func addMetadataRoutes<Context: Hummingbird.RequestContext>(to router: Router<Context>) {
        metadata.addRoutes(to: router, resourcePath: resourcePath)
    }
}

/// What a resource says of itself in its metadata beyond RFC 9728's required fields: nothing unless given.
public struct ResourceDescription: Sendable, Equatable {
    /// `resource_name` (RFC 9728 §2), for people.
    public var name: String?
    /// `mcp_protocol_version`, an extra field.
    public var mcpProtocolVersion: String?
    /// `resource_type`, an extra field.
    public var type: String?

    public init(name: String? = nil, mcpProtocolVersion: String? = nil, type: String? = nil) {
        self.name = name
        self.mcpProtocolVersion = mcpProtocolVersion
        self.type = type
    }
}
