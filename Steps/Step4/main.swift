/// Step 4 — the full MCP dispatch: a server any MCP client can use.
///
/// New here: `initialize` (version negotiation, capabilities), `tools/call` and
/// `prompts/get`, so the echo tool runs; and CORS, so browser clients such as
/// MCP Inspector can call the server and read its headers.
///
/// Read: Shared/Core/MCP/MCPDispatcher.swift, Shared/Core/MCP/ProtocolVersion.swift,
///       Shared/Core/HTTP/MCPCORSMiddleware.swift
import ArgumentParser
import Hummingbird
import Shared

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step4", abstract: "Step 4: the full MCP dispatch (initialize, tools/call, prompts/get) with CORS."
    )
    @OptionGroup var server: ServerOptions
}

// MARK: Router

func makeRouter(_ server: ServerOptions) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: HostValidationMiddleware(bindAddress: server.host, allowedHosts: server.allowedHosts))
    router.add(
        middleware: OriginValidationMiddleware(policy: OriginPolicy.allowMissingOrigin.allowing(server.allowedOrigins)))
    router.add(middleware: MCPCORSMiddleware())
    router.get("/health") { _, _ in HealthStatus() }
    let mcp = MCPDispatcher(methods: .all, tools: [EchoTool()], prompts: [EchoPrompt()])
    MCPEndpoint(handler: mcp).addRoutes(to: router.group("/mcp"))
    return router
}

// MARK: Run

let options = Options.parseOrExit()
await makeApplication(name: "step4", router: makeRouter(options.server), options: options.server).run()
