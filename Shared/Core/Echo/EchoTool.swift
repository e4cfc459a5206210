/// The `echo` tool: says a message back, `repeat_count` times.
///
/// Introduced in step 3 (listed) and step 4 (called). Its definition shows every
/// part of an MCP tool: a JSON Schema for input (`message` required,
/// `repeat_count` an integer 1–10, default 1), a schema for output, and
/// annotations. Because it declares an `outputSchema`, a result carries
/// `structuredContent` conforming to it, and the same JSON as text for clients
/// that read only `content`. The message is repeated with no separator, as in
/// the posts: `"Hello World"` × 3 is `"Hello WorldHello WorldHello World"`.
///
/// ```json
/// {"name":"echo","arguments":{"message":"hi","repeat_count":2}}
/// → {"content":[{"type":"text","text":"{\"echo\":\"hihi\",\"repeat_count\":2}"}],"structuredContent":{"echo":"hihi","repeat_count":2}}
/// ```
///
/// - SeeAlso: MCP 2025-06-18, Server › Tools › Structured Content
import Foundation
public import MCP

public struct EchoTool: MCPTool {
    public struct Arguments: Decodable, Sendable {
        public let message: String
        public let repeatCount: Int?

        enum CodingKeys: String, CodingKey {
            case message
            case repeatCount = "repeat_count"
        }
    }

    public static let repeatRange = 1...10

    public init() {}

    public let definition = Tool(
        name: "echo",
        title: "Echo Tool",
        description: "Echoes a message back, repeated repeat_count times.",
        inputSchema: [
            "type": "object",
            "properties": [
                "message": ["type": "string", "description": "The message to echo"],
                "repeat_count": [
                    "type": "integer", "description": "How many times to repeat the message",
                    "minimum": .int(repeatRange.lowerBound), "maximum": .int(repeatRange.upperBound), "default": 1,
                ],
            ],
            "required": ["message"],
        ],
        annotations: .init(
            title: "Echo Tool", readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false),
        outputSchema: [
            "type": "object",
            "properties": [
                "echo": ["type": "string", "description": "The message, repeated"],
                "repeat_count": ["type": "integer", "description": "How many times it was repeated"],
            ],
            "required": ["echo", "repeat_count"],
        ]
    )

    public func call(_ arguments: Arguments, context: ToolContext) async throws -> CallTool.Result {
        let count = arguments.repeatCount ?? 1
        guard Self.repeatRange.contains(count) else {
            throw JSONRPCError.invalidParams("\"repeat_count\" must be between 1 and 10, got \(count)")
        }
        let echo = String(repeating: arguments.message, count: count)
        // The output as a JSON value, built directly (the SDK's generic initialiser round-trips it through JSON),
        // and the same JSON as text.
        let structured: Value = ["echo": .string(echo), "repeat_count": .int(count)]
        return CallTool.Result(
            content: [.text(text: try structured.jsonText(), annotations: nil, _meta: nil)],
            structuredContent: Optional.some(structured))
    }
}
