/// Step 2 — JSON-RPC 2.0 over `POST /mcp`, answering `ping`.
///
/// New here: the `/mcp` endpoint of MCP's Streamable HTTP transport. It reads one
/// JSON-RPC message per POST (1 MiB at most), answers `ping` with `{}`, and gives
/// every other method -32601. Malformed JSON, batches and non-requests get a
/// JSON-RPC error with HTTP 400.
///
/// Read: Shared/Core/MCP/MCPEndpoint.swift, Shared/MCPAuth/JSONRPC/JSONRPCMessage.swift,
///       Shared/MCPAuth/JSONRPC/JSONRPCError.swift, Shared/Core/MCP/MCPDispatcher.swift
import ArgumentParser
import Hummingbird
import Shared

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step2", abstract: "Step 2: JSON-RPC 2.0 over POST /mcp, answering ping.")
    @OptionGroup var server: ServerOptions
}

// MARK: Router

func makeRouter(_ server: ServerOptions) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: HostValidationMiddleware(bindAddress: server.host, allowedHosts: server.allowedHosts))
    router.add(
        middleware: OriginValidationMiddleware(policy: OriginPolicy.requireOrigin.allowing(server.allowedOrigins)))
    router.get("/health") { _, _ in HealthStatus() }
    MCPEndpoint(handler: MCPDispatcher(methods: .pingOnly)).addRoutes(to: router.group("/mcp"))
    return router
}

// MARK: Run

let options = Options.parseOrExit()
await makeApplication(name: "step2", router: makeRouter(options.server), options: options.server).run()
