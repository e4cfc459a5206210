/// Step 6 — only callers with a valid bearer token reach /mcp.
///
/// New here: the bearer-token middleware in front of /mcp. It verifies the JWT
/// with the key of step 5 (RS256 only, one signature check, no I/O), checks
/// `exp` (60 s leeway), `iss` `mcp-simple-auth` and `aud` `mcp-server`, and
/// puts the verified user in the request context; everything else gets 401 with
/// a `WWW-Authenticate` challenge and a `detail` naming the reason. The
/// dispatch now knows who calls: `initialize` names them, `ping` too, in `_meta`.
/// Mint tokens with `swift run gen-token --username alice --scopes mcp:read,mcp:tools`.
///
/// Read: Shared/MCPAuth/Auth/BearerTokenMiddleware.swift, Shared/MCPAuth/Auth/TokenVerifier.swift,
///       Shared/MCPAuth/Auth/VerificationKey.swift, Shared/MCPAuth/Auth/AuthRejection.swift,
///       Shared/Core/Auth/TokenIssuer.swift, Steps/GenToken/main.swift
import ArgumentParser
import Hummingbird
import Shared

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step6",
        abstract: "Step 6: /mcp requires a bearer JWT (RS256, iss mcp-simple-auth, aud mcp-server).")
    @OptionGroup var server: ServerOptions
    @OptionGroup var keys: KeyOptions
}

// MARK: Router

func makeRouter(_ server: ServerOptions, keys: PublicKeys) -> Router<MCPRequestContext> {
    let router = Router(context: MCPRequestContext.self)
    router.add(middleware: HostValidationMiddleware(bindAddress: server.host, allowedHosts: server.allowedHosts))
    router.add(
        middleware: OriginValidationMiddleware(policy: OriginPolicy.allowMissingOrigin.allowing(server.allowedOrigins)))
    router.add(middleware: MCPCORSMiddleware())
    router.get("/health") { _, _ in HealthStatus(jwtEnabled: true, jwksAvailable: keys.isAvailable, authRequired: true)
    }
    router.get("/.well-known/jwks.json") { _, _ in JWKSResponse(keys) }
    let verifier = TokenVerifier(
        keys: LocalKeySet(keys.verificationKeys), issuers: [TokenIssuer.demoIssuer],
        audiences: [TokenIssuer.demoAudience])
    let authenticated = router.group("/mcp").add(
        middleware: BearerTokenMiddleware(verifier: verifier, challenge: BearerChallenge()))
    let mcp = MCPDispatcher(
        methods: .all, serverInfo: ServerInfo(jwtEnabled: keys.isAvailable), tools: [EchoTool()],
        prompts: [EchoPrompt()])
    MCPEndpoint(handler: mcp).addRoutes(to: authenticated)
    return router
}

// MARK: Run

let options = Options.parseOrExit()
let keys = await PublicKeys.load(from: options.keys.directory)
if let problem = keys.problem { Options.exit(withError: InputFileError(problem)) }
await makeApplication(name: "step6", router: makeRouter(options.server, keys: keys), options: options.server).run()
