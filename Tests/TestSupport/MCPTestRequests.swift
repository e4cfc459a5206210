/// Fixtures the step tests share: named JSON-RPC messages, MCP client headers,
/// and readable access to JSON answers.
import Foundation
public import HTTPTypes
import Hummingbird
public import HummingbirdTesting
public import MCP
public import Shared

/// Server options as a step would parse them from its command line.
public func serverOptions(_ arguments: String...) throws -> ServerOptions {
    try ServerOptions.parse(arguments)
}

/// JSON-RPC message bodies, by name.
public enum RPC {
    public static func request(_ method: String, id: Value = 1, params: Value? = nil) -> String {
        var message: [String: Value] = ["jsonrpc": "2.0", "id": id, "method": .string(method)]
        if let params { message["params"] = params }
        return encode(.object(message))
    }

    public static func notification(_ method: String) -> String {
        encode(["jsonrpc": "2.0", "method": .string(method)])
    }

    public static var ping: String { request("ping") }

    public static func initialize(protocolVersion: String = "2025-06-18") -> String {
        request(
            "initialize",
            params: [
                "protocolVersion": .string(protocolVersion), "capabilities": [:],
                "clientInfo": ["name": "tests", "version": "1.0"],
            ])
    }

    public static func callTool(_ name: String, arguments: Value? = nil) -> String {
        var params: [String: Value] = ["name": .string(name)]
        if let arguments { params["arguments"] = arguments }
        return request("tools/call", params: .object(params))
    }

    public static func echo(_ message: String, repeatCount: Int? = nil) -> String {
        var arguments: [String: Value] = ["message": .string(message)]
        if let repeatCount { arguments["repeat_count"] = .int(repeatCount) }
        return callTool("echo", arguments: .object(arguments))
    }

    public static func getPrompt(_ name: String, arguments: Value? = nil) -> String {
        var params: [String: Value] = ["name": .string(name)]
        if let arguments { params["arguments"] = arguments }
        return request("prompts/get", params: .object(params))
    }

    static func encode(_ value: Value) -> String {
        String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
    }
}

/// The six MCP methods the step servers answer, each as one ready request.
public enum MCPCall: String, CaseIterable, Sendable {
    case initialize, ping
    case toolsList = "tools/list"
    case toolsCall = "tools/call"
    case promptsList = "prompts/list"
    case promptsGet = "prompts/get"

    public var body: String {
        switch self {
        case .initialize: RPC.initialize()
        case .ping: RPC.ping
        case .toolsList: RPC.request("tools/list")
        case .toolsCall: RPC.echo("hi")
        case .promptsList: RPC.request("prompts/list")
        case .promptsGet: RPC.getPrompt("echo_prompt", arguments: ["message": "hi"])
        }
    }
}

extension HTTPFields {
    /// The headers an MCP client sends with a POST: JSON in, JSON or SSE out.
    public static var mcpPost: HTTPFields {
        [.contentType: "application/json", .accept: "application/json, text/event-stream"]
    }

    /// These headers with one more field set.
    public func with(_ name: HTTPField.Name, _ value: String) -> HTTPFields {
        var fields = self
        fields[name] = value
        return fields
    }

    /// These headers without `name`.
    public func without(_ name: HTTPField.Name) -> HTTPFields {
        var fields = self
        fields[name] = nil
        return fields
    }
}

extension TestClientProtocol {
    /// POSTs `body` to `/mcp` as an MCP client would.
    public func postMCP(
        _ body: String, headers: HTTPFields = .mcpPost, path: String = "/mcp"
    ) async throws -> TestResponse {
        try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// GETs `path`.
    public func get(_ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: path, method: .get, headers: headers)
    }
}

extension TestResponse {
    /// The body as text.
    public var text: String { String(buffer: body) }

    /// The body parsed as JSON.
    public func json() throws -> Value {
        try JSONDecoder().decode(Value.self, from: Data(buffer: body))
    }

    /// The JSON-RPC error code in the body, if it is an error response.
    public var rpcErrorCode: Int? { (try? json())?["error"]?["code"]?.intValue }

    /// `{"detail":…}` of an HTTP-level refusal.
    public var detail: String? { (try? json())?["detail"]?.stringValue }
}

extension Value {
    /// A member of a JSON object.
    public subscript(key: String) -> Value? { objectValue?[key] }
    /// An element of a JSON array.
    public subscript(index: Int) -> Value? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
