/// Step 3 — tools and prompts: the `echo` tool and the `echo_prompt` prompt, defined.
///
/// New here: the definitions of a tool and a prompt (JSON Schemas, annotations,
/// arguments). As in the posts, they are not dispatched yet: /mcp still answers
/// only `ping`, and `tools/list`, `tools/call`, `prompts/list`, `prompts/get` get
/// -32601 Method not found. The server logs what it defines at start; step 4
/// adds the dispatch that makes them callable.
/// From this step on a request without `Origin` is allowed: MCP clients that are
/// not browsers send none.
///
/// Read: Shared/Core/Echo/EchoTool.swift, Shared/Core/Echo/EchoPrompt.swift, Shared/Core/MCP/MCPMethods.swift
import ArgumentParser
import Hummingbird
import Logging
import Shared

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step3", abstract: "Step 3: the echo tool and echo_prompt, defined (dispatched from step 4).")
    @OptionGroup var server: ServerOptions
}

// MARK: Router

/// The tool and the prompt, defined; the methods that would call them are not dispatched yet.
func makeDispatcher() -> MCPDispatcher {
    MCPDispatcher(methods: .pingOnly, tools: [EchoTool()], prompts: [EchoPrompt()])
}

func makeRouter(_ server: ServerOptions) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: HostValidationMiddleware(bindAddress: server.host, allowedHosts: server.allowedHosts))
    router.add(
        middleware: OriginValidationMiddleware(policy: OriginPolicy.allowMissingOrigin.allowing(server.allowedOrigins)))
    router.get("/health") { _, _ in HealthStatus() }
    MCPEndpoint(handler: makeDispatcher()).addRoutes(to: router.group("/mcp"))
    return router
}

// MARK: Run

let options = Options.parseOrExit()
let app = makeApplication(name: "step3", router: makeRouter(options.server), options: options.server)
for definition in makeDispatcher().definitionSummary { app.logger.info("defined \(definition) (callable from step 4)") }
await app.run()
