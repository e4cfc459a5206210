/// The `server_stats` tool: the pattern for a tool that needs more than `tools/call` does.
///
/// Introduced in step 8. The scope policy lets any `tools/call` through with
/// `mcp:tools`; this tool then calls ``ToolContext/requireScope(_:)`` for
/// `mcp:admin`, so alice (`mcp:read mcp:tools`) can call echo but gets 403
/// `insufficient_scope` here, while admin (role `admin`) gets the stats. Put the
/// check first in `call`, before the tool does anything. The refusal's
/// challenge is the one a method the scope policy refuses gets.
///
/// It answers with what the server knows of itself: when it started, how long
/// it has run, and who asked.
import Foundation
public import MCP

public struct ServerStatsTool: MCPTool {
    /// The scope this tool needs on top of `mcp:tools`.
    public static let requiredScope = "mcp:admin"

    public struct Arguments: Decodable, Sendable {}

    struct Output: Codable {
        let startedAt: String
        let uptimeSeconds: Int
        let caller: String

        enum CodingKeys: String, CodingKey {
            case startedAt = "started_at"
            case uptimeSeconds = "uptime_seconds"
            case caller
        }
    }

    let startedAt: Date

    public init(startedAt: Date = Date()) {
        self.startedAt = startedAt
    }

    public let definition = Tool(
        name: "server_stats",
        title: "Server Stats",
        description: "When this server started and how long it has run. Needs the mcp:admin scope (or the admin role).",
        inputSchema: ["type": "object", "properties": [:]],
        annotations: .init(title: "Server Stats", readOnlyHint: true, openWorldHint: false),
        outputSchema: [
            "type": "object",
            "properties": [
                "started_at": ["type": "string", "format": "date-time"],
                "uptime_seconds": ["type": "integer"],
                "caller": ["type": "string"],
            ],
            "required": ["started_at", "uptime_seconds", "caller"],
        ]
    )

    public func call(_ arguments: Arguments, context: ToolContext) async throws -> CallTool.Result {
        try context.requireScope(Self.requiredScope)
        let output = Output(
            startedAt: ISO8601DateFormatter().string(from: startedAt),
            uptimeSeconds: Int(Date().timeIntervalSince(startedAt)),
            caller: context.caller?.username ?? "anonymous")
        let json = String(decoding: try JSONEncoder.compact.encode(output), as: UTF8.self)
        return try CallTool.Result(
            content: [.text(text: json, annotations: nil, _meta: nil)], structuredContent: output)
    }
}
