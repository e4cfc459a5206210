/// A tool the server offers through `tools/list` and runs on `tools/call`.
///
/// Introduced in step 3 (definitions) and step 4 (calls). A tool declares its
/// spec-level ``definition`` (name, JSON Schemas, annotations) and a typed
/// `Arguments`; the dispatch decodes `params.arguments` into it, so a tool never
/// sees malformed input:
///
/// ```swift
/// struct Shout: MCPTool {
///     struct Arguments: Decodable, Sendable { let text: String }
///     let definition = Tool(name: "shout", description: "Upper-cases text", inputSchema: […])
///     func call(_ arguments: Arguments, context: ToolContext) async throws -> CallTool.Result { … }
/// }
/// ```
///
/// Errors: throw ``JSONRPCError/invalidParams(_:)`` for arguments the schema
/// cannot express (e.g. a range); the client gets -32602. ``ToolContext/requireScope(_:)``
/// refuses with 403. Any other error becomes a result with `isError: true`,
/// which the model can read and act on.
///
/// - SeeAlso: MCP 2025-06-18, Server › Tools
import Foundation
public import MCP

public protocol MCPTool: Sendable {
    associatedtype Arguments: Decodable & Sendable
    /// What `tools/list` shows for this tool.
    var definition: Tool { get }
    /// Runs the tool with arguments already decoded; `context` names the caller (step 6 on).
    func call(_ arguments: Arguments, context: ToolContext) async throws -> CallTool.Result
}

extension MCPTool {
    /// Decodes this tool's arguments from a `tools/call` request and runs it.
    /// Errors: ``JSONRPCError`` and ``AuthFailure`` (from ``ToolContext/requireScope(_:)``) pass
    /// through; any other error becomes a result with `isError: true`.
    func run(_ request: JSONRPCRequest, context: ToolContext) async throws -> CallTool.Result {
        let arguments = try request.arguments(Arguments.self)
        do {
            return try await call(arguments, context: context)
        } catch let error as JSONRPCError {
            throw error
        } catch let failure as AuthFailure {
            throw failure
        } catch {
            return CallTool.Result(
                content: [.text(text: "\(definition.name) failed: \(error)", annotations: nil, _meta: nil)],
                isError: true)
        }
    }
}

/// A `tools/call` result writes itself (see ``JSONWriter``): `content`, `isError` and
/// `structuredContent` directly, `_meta` and content other than plain text with `JSONEncoder`.
extension CallTool.Result: JSONWritable {
    public func write(to json: inout JSONWriter) throws {
        json.beginObject()
        if let _meta {
            json.key("_meta")
            try json.encodeWithJSONEncoder(_meta)
        }
        json.key("content")
        json.beginArray()
        for item in content { try item.write(to: &json) }
        json.endArray()
        if let isError {
            json.key("isError")
            json.bool(isError)
        }
        if let structuredContent {
            json.key("structuredContent")
            try structuredContent.write(to: &json)
        }
        json.endObject()
    }
}

/// Text content is written directly: `{"text":…,"type":"text"}`.
extension Tool.Content: JSONWritable {
    public func write(to json: inout JSONWriter) throws {
        guard case .text(let text, nil, nil) = self else { return try json.encodeWithJSONEncoder(self) }
        json.beginObject()
        json.key("text")
        json.string(text)
        json.key("type")
        json.string("text")
        json.endObject()
    }
}
