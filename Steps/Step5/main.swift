/// Step 5 — publish the server's public key as a JSON Web Key Set.
///
/// New here: the demo RSA key pair in keys/, read once at start, and
/// `GET /.well-known/jwks.json`, where anyone can fetch the public half to check
/// the server's tokens (kid `mcp-key-1`, RS256). Without a key the server stops at
/// once, saying where it looked. /health reports `jwt_enabled` and `jwks_available`;
/// `initialize` says `jwt_enabled` in its `serverInfo`, as the posts show.
///
/// Read: Shared/Core/Keys/PublicKeys.swift, Shared/MCPAuth/Keys/JSONWebKeySet.swift,
///       Shared/Core/Keys/KeyDirectory.swift
import ArgumentParser
import Hummingbird
import Shared

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step5",
        abstract: "Step 5: the step-4 server, publishing its public key at /.well-known/jwks.json.")
    @OptionGroup var server: ServerOptions
    @OptionGroup var keys: KeyOptions
}

// MARK: Router

func makeRouter(_ server: ServerOptions, keys: PublicKeys) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: HostValidationMiddleware(bindAddress: server.host, allowedHosts: server.allowedHosts))
    router.add(
        middleware: OriginValidationMiddleware(policy: OriginPolicy.allowMissingOrigin.allowing(server.allowedOrigins)))
    router.add(middleware: MCPCORSMiddleware())
    router.get("/health") { _, _ in HealthStatus(jwtEnabled: true, jwksAvailable: keys.isAvailable) }
    router.get("/.well-known/jwks.json") { _, _ in JWKSResponse(keys) }
    let mcp = MCPDispatcher(
        methods: .all, serverInfo: ServerInfo(jwtEnabled: keys.isAvailable), tools: [EchoTool()],
        prompts: [EchoPrompt()])
    MCPEndpoint(handler: mcp).addRoutes(to: router.group("/mcp"))
    return router
}

// MARK: Run

let options = Options.parseOrExit()
let keys = await PublicKeys.load(from: options.keys.directory)
if let problem = keys.problem { Options.exit(withError: InputFileError(problem)) }
await makeApplication(name: "step5", router: makeRouter(options.server, keys: keys), options: options.server).run()
