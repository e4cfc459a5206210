/// Which MCP methods a step's dispatch answers.
///
/// Introduced in step 2. Each JSON-RPC method name is spelled once, by the MCP
/// Swift SDK (`Ping.name`, `ListTools.name`, …); a step picks a named set and
/// every other method gets -32601 Method not found:
///
/// | set | methods | step |
/// |---|---|---|
/// | ``pingOnly`` | `ping` | 2, 3 (step 3 defines its tool and prompt, but does not dispatch them yet) |
/// | ``all`` | `initialize`, `ping`, `tools/list`, `tools/call`, `prompts/list`, `prompts/get` | 4 on |
import MCP

public struct MCPMethods: Sendable, Equatable {
    public let names: Set<String>

    public init(_ names: Set<String>) {
        self.names = names
    }

    public static let pingOnly = MCPMethods([Ping.name])
    public static let all = MCPMethods([
        Initialize.name, Ping.name, ListTools.name, CallTool.name, ListPrompts.name, GetPrompt.name,
    ])

    public func contains(_ method: String) -> Bool {
        names.contains(method)
    }
}
