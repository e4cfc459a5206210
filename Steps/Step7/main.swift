/// Step 7 — OAuth discovery: tell clients where tokens come from.
///
/// New here: RFC 9728 protected resource metadata at
/// /.well-known/oauth-protected-resource/mcp (and the root), named by the 401
/// challenge's `resource_metadata`; and a demo authorization server at this
/// server's own URL, with RFC 8414 metadata and a password-grant token endpoint
/// for the demo users. Tokens from `mcp-simple-auth` (gen-token) or the demo
/// server, for `mcp-server` or for `<public URL>/mcp` (RFC 8707), are accepted.
///
/// Read: Shared/MCPAuth/OAuth/ProtectedResource.swift, Shared/MCPAuth/OAuth/ProtectedResourceMetadata.swift,
///       Shared/Core/OAuth/DemoAuthorizationServer.swift, Shared/MCPAuth/OAuth/AuthorizationServerMetadata.swift,
///       Shared/MCPAuth/Auth/BearerChallenge.swift
import ArgumentParser
import Hummingbird
import Shared

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step7", abstract: "Step 7: OAuth metadata (RFC 9728, RFC 8414) and a demo token endpoint.")
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
            jwtEnabled: true, jwksAvailable: keys.isAvailable, authRequired: true, oauthMetadata: resource.healthLinks)
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
    let mcp = MCPDispatcher(methods: .all, serverInfo: serverInfo, tools: [EchoTool()], prompts: [EchoPrompt()])
    MCPEndpoint(handler: mcp).addRoutes(to: authenticated)
    return router
}

/// The demo authorization server at `serverURL`, for the scopes this server knows.
func makeAuthorizationServer(serverURL: String, keys: KeyDirectory) async throws -> DemoAuthorizationServer {
    try await DemoAuthorizationServer(
        serverURL: serverURL, scopesSupported: [ScopePolicy.read, ScopePolicy.tools, ScopePolicy.prompts], keys: keys)
}

// MARK: Run

let options = Options.parseOrExit()
let keys = await PublicKeys.load(from: options.keys.directory)
if let problem = keys.problem { Options.exit(withError: InputFileError(problem)) }
let serverURL = options.resource.serverURL(port: options.server.listenPort)
let authorizationServer = try await makeAuthorizationServer(serverURL: serverURL, keys: options.keys.directory)
let router = makeRouter(options.server, keys: keys, authorizationServer: authorizationServer)
await makeApplication(name: "step7", router: router, options: options.server).run()
