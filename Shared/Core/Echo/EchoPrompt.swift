/// The `echo_prompt` prompt: a template that asks the model to echo a message.
///
/// Introduced in step 3 (listed) and step 4 (`prompts/get`). One required
/// argument, `message`; the filled prompt is one user message,
/// `Please echo: <message>`.
///
/// - SeeAlso: MCP 2025-06-18, Server › Prompts
public import MCP

public struct EchoPrompt: MCPPrompt {
    public struct Arguments: Decodable, Sendable {
        public let message: String
    }

    public init() {}

    public let definition = Prompt(
        name: "echo_prompt",
        title: "Echo Prompt",
        description: "Asks the model to echo a message",
        arguments: [.init(name: "message", description: "The message to echo", required: true)]
    )

    public func get(_ arguments: Arguments) async throws(JSONRPCError) -> GetPrompt.Result {
        GetPrompt.Result(
            description: "Echo \(arguments.message)",
            messages: [.user(.text(text: "Please echo: \(arguments.message)"))]
        )
    }
}
