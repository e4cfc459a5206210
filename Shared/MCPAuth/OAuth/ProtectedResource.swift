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
public struct ProtectedResource: Sendable {
    public let serverURL: String
    public let metadata: ProtectedResourceMetadata
    public let challenge: BearerChallenge

    /// The proof-of-possession policy the metadata advertises (``ProtectedResource+DPoP``); nil for bearer tokens only.
    public let dpop: DPoPPolicy?

    public init(serverURL: String, authorizationServers: [String], scopes: [String], dpop: DPoPPolicy? = nil) {
        self.serverURL = serverURL
        var metadata = ProtectedResourceMetadata(
            resource: serverURL + "/mcp", authorizationServers: authorizationServers, scopesSupported: scopes)
        if let dpop {
            metadata.dpopSigningAlgValuesSupported = DPoPProofVerifier.supportedAlgorithms
            metadata.dpopBoundAccessTokensRequired = dpop == .required ? true : nil
        }
        self.metadata = metadata
        self.challenge = BearerChallenge(resourceMetadata: ProtectedResourceMetadata.url(serverURL: serverURL))
        self.dpop = dpop
    }

    /// The resource identifier, `<server URL>/mcp`.
    public var identifier: String { metadata.resource }
}
