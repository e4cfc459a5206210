/// A prompt template the server offers through `prompts/list` and fills on `prompts/get`.
///
/// Introduced in step 3 (definitions) and step 4 (`prompts/get`). Like
/// ``MCPTool``, a prompt declares its spec-level ``definition`` and a typed
/// `Arguments` the dispatch decodes from `params.arguments` (prompt arguments
/// are strings in MCP).
///
/// ```swift
/// struct Greeting: MCPPrompt {
///     struct Arguments: Decodable, Sendable { let name: String }
///     let definition = Prompt(name: "greeting", arguments: [.init(name: "name", required: true)])
///     func messages(for arguments: Arguments) -> GetPrompt.Result { … }
/// }
/// ```
///
/// - SeeAlso: MCP 2025-06-18, Server › Prompts
public import MCP

public protocol MCPPrompt: Sendable {
    associatedtype Arguments: Decodable & Sendable
    /// What `prompts/list` shows for this prompt.
    var definition: Prompt { get }
    /// The filled-in prompt.
    func get(_ arguments: Arguments) async throws(JSONRPCError) -> GetPrompt.Result
}

extension MCPPrompt {
    /// Decodes this prompt's arguments from a `prompts/get` request and fills it.
    func run(_ request: JSONRPCRequest) async throws(JSONRPCError) -> GetPrompt.Result {
        try await get(request.arguments(Arguments.self))
    }
}
