/// Step 8 — scopes and roles: a valid token is not enough, it must grant the method.
///
/// New here: the step-4 dispatch wrapped in a scope check (`ScopePolicy.step8`:
/// tools need `mcp:tools`, prompts `mcp:prompts`, and `mcp:read` may list and
/// get; role `admin` may do everything). A caller without the scope gets 403, a
/// challenge naming the scope to ask for, and JSON-RPC error -32001. The
/// `server_stats` tool shows the per-tool guard: it demands `mcp:admin` itself.
///
/// Read: Shared/Core/Auth/ScopePolicy+Steps.swift, Shared/MCPAuth/Auth/ScopePolicy.swift,
///       Shared/Core/Auth/ScopeEnforcingHandler.swift, Shared/Core/MCP/ToolContext.swift,
///       Shared/Core/Echo/ServerStatsTool.swift
import ArgumentParser
import Hummingbird
import Shared

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step8", abstract: "Step 8: scope- and role-based access to MCP methods and tools.")
    @OptionGroup var server: ServerOptions
    @OptionGroup var keys: KeyOptions
    @OptionGroup var resource: ResourceOptions
}

// MARK: Router

func makeRouter(
    _ server: ServerOptions, keys: PublicKeys, authorizationServer: DemoAuthorizationServer
) -> Router<MCPRequestContext> {
    let resource = ProtectedResource(
        serverURL: authorizationServer.issuer, authorizationServers: [authorizationServer.issuer],
        scopes: authorizationServer.scopesSupported, description: .posts)
    let router = Router(context: MCPRequestContext.self)
    router.add(middleware: HostValidationMiddleware(bindAddress: server.host, allowedHosts: server.allowedHosts))
    router.add(
        middleware: OriginValidationMiddleware(policy: OriginPolicy.allowMissingOrigin.allowing(server.allowedOrigins)))
    router.add(middleware: MCPCORSMiddleware())
    router.get("/health") { _, _ in
        HealthStatus(
            jwtEnabled: true, jwksAvailable: keys.isAvailable, authRequired: true, oauthMetadata: resource.healthLinks,
            scopeBasedAuth: true)
    }
    router.get("/.well-known/jwks.json") { _, _ in JWKSResponse(keys) }
    resource.metadata.addRoutes(to: router)
    authorizationServer.addRoutes(to: router)
    let verifier = TokenVerifier(
        keys: LocalKeySet(keys.verificationKeys), issuers: [TokenIssuer.demoIssuer, authorizationServer.issuer],
        audiences: [TokenIssuer.demoAudience, resource.identifier])
    let authenticated = router.group("/mcp").add(
        middleware: BearerTokenMiddleware(verifier: verifier, challenge: resource.challenge))
    let serverInfo = ServerInfo(jwtEnabled: keys.isAvailable, oauthMetadata: resource.healthLinks)
    let dispatcher = MCPDispatcher(
        methods: .all, serverInfo: serverInfo, tools: [EchoTool(), ServerStatsTool()], prompts: [EchoPrompt()])
    let mcp = ScopeEnforcingHandler(dispatcher, policy: .step8, challenge: resource.challenge)
    MCPEndpoint(handler: mcp).addRoutes(to: authenticated)
    return router
}

/// The demo authorization server at `serverURL`, for the scopes this server knows (`server_stats` adds `mcp:admin`).
func makeAuthorizationServer(serverURL: String, keys: KeyDirectory) async throws -> DemoAuthorizationServer {
    let scopes = [ScopePolicy.read, ScopePolicy.tools, ScopePolicy.prompts, ServerStatsTool.requiredScope]
    return try await DemoAuthorizationServer(serverURL: serverURL, scopesSupported: scopes, keys: keys)
}

// MARK: Run

let options = Options.parseOrExit()
let keys = await PublicKeys.load(from: options.keys.directory)
if let problem = keys.problem { Options.exit(withError: InputFileError(problem)) }
let serverURL = options.resource.serverURL(port: options.server.listenPort)
let authorizationServer = try await makeAuthorizationServer(serverURL: serverURL, keys: options.keys.directory)
let router = makeRouter(options.server, keys: keys, authorizationServer: authorizationServer)
await makeApplication(name: "step8", router: router, options: options.server).run()
