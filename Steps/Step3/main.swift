/// Step 3 — tools and prompts: the `echo` tool and the `echo_prompt` prompt.
///
/// New here: definitions a client can discover with `tools/list` and
/// `prompts/list` (schemas, annotations, arguments). Calling them comes in step 4.
/// From this step on a request without `Origin` is allowed: MCP clients that are
/// not browsers send none.
///
/// Read: Shared/Echo/EchoTool.swift, Shared/Echo/EchoPrompt.swift, Shared/MCP/MCPMethods.swift
import ArgumentParser
import Hummingbird
import Shared

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step3", abstract: "Step 3: the echo tool and echo_prompt, discoverable with tools/list and prompts/list.")
    @OptionGroup var server: ServerOptions
}

// MARK: Router

func makeRouter(_ server: ServerOptions) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: HostValidationMiddleware(bindAddress: server.host, allowedHosts: server.allowedHosts))
    router.add(middleware: OriginValidationMiddleware(policy: OriginPolicy.allowMissingOrigin.allowing(server.allowedOrigins)))
    router.get("/health") { _, _ in HealthStatus() }
    let mcp = MCPDispatcher(methods: .discovery, tools: [EchoTool()], prompts: [EchoPrompt()])
    MCPEndpoint(handler: mcp).addRoutes(to: router.group("/mcp"))
    return router
}

// MARK: Run

let options = Options.parseOrExit()
try await makeApplication(name: "step3", router: makeRouter(options.server), options: options.server).runService()
