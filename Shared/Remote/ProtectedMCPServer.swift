/// The step-10 server as one reusable piece: an MCP endpoint that trusts an authorization server.
///
/// Introduced in step 10, whose main assembles the same pieces one by one, as
/// step 8's does; this is the library convenience that step 11's demo starts.
/// From a ``KeycloakConfiguration`` it builds everything a protected MCP
/// resource needs: the remote keys
/// (``RemoteKeySet``, a background `Service`), the token verifier (issuer,
/// audiences), the protected resource metadata and challenge, and the scope
/// policy around the dispatch, and, going further, tokens bound to a client's
/// key as step 10 takes them (``DPoPSettings``). Step 10 serves it; the demo of step 11 starts
/// it in-process; an engineer puts it in front of their own MCP dispatch.
///
/// ```swift
/// let protected = ProtectedMCPServer(configuration: configuration)
/// protected.addRoutes(to: router, serving: MCPDispatcher(methods: .all, tools: [EchoTool()]))
/// await makeApplication(…, services: [protected.keys]).run()
/// ```
public import Hummingbird
public import Logging
public import MCPAuthRemote
public import Shared

public struct ProtectedMCPServer: Sendable {
    public let configuration: KeycloakConfiguration
    public let keys: RemoteKeySet
    public let resource: ProtectedResource
    public let policy: ScopePolicy
    let verifier: TokenVerifier
    let proofs: DPoPProofVerifier

    /// The scopes this resource knows, as its metadata lists them.
    public static let scopes = [ScopePolicy.read, ScopePolicy.tools, ScopePolicy.prompts]

    public init(
        configuration: KeycloakConfiguration, keys: RemoteKeySet? = nil, policy: ScopePolicy = .keycloak,
        proofs: DPoPProofVerifier = DPoPProofVerifier(),
        logger: Logger = Logger(label: "keys")
    ) {
        self.configuration = configuration
        let keys = keys ?? RemoteKeySet(trusting: configuration, logger: logger)
        self.keys = keys
        self.policy = policy
        resource = ProtectedResource(
            serverURL: configuration.serverURL, authorizationServers: [configuration.issuer], scopes: Self.scopes,
            dpop: configuration.dpop.policy, description: .posts)
        verifier = TokenVerifier(keys: keys, issuers: [configuration.issuer], audiences: Set(configuration.audiences))
        self.proofs = configuration.dpop.nonceRequired ? configuration.dpop.makeProofVerifier() : proofs
    }

    /// Adds the metadata routes and `/mcp`: tokens checked, then the scope policy, then `dispatcher`; one challenge
    /// answers both refusals, so a 403 is in the scheme of the caller's token (``ProtectedResource/tokenChallenge``).
    public func addRoutes(to router: Router<MCPRequestContext>, serving dispatcher: some JSONRPCHandler) {
        resource.metadata.addRoutes(to: router)
        let authenticated = router.group("/mcp").add(
            middleware: resource.tokenMiddleware(verifier: verifier, proofs: proofs))
        let mcp = ScopeEnforcingHandler(dispatcher, policy: policy, challenge: resource.tokenChallenge)
        MCPEndpoint(handler: mcp, eventStream: configuration.eventStream).addRoutes(to: authenticated)
    }
}
