/// One JSON-RPC 2.0 message as received on `POST /mcp`, classified.
///
/// Introduced in step 2. ``parse(_:)`` reads the body once and decides what it
/// is, or why it is not acceptable:
///
/// | body | result |
/// |---|---|
/// | not JSON | ``JSONRPCError/parseError(_:)`` (-32700) |
/// | an array (a batch; removed from MCP in 2025-06-18) | ``JSONRPCError/invalidRequest(_:)`` (-32600) |
/// | not an object, `jsonrpc` not `"2.0"`, `id` not a string or integer | ``JSONRPCError/invalidRequest(_:)`` |
/// | `method` and `id` | ``request(_:)`` |
/// | `method`, no `id` | ``notification(method:)`` |
/// | `result` or `error`, and `id` | ``response`` |
///
/// `params`, when present, must be an object (MCP sends named params only);
/// otherwise the request is answered with ``JSONRPCError/invalidParams(_:)``.
import Foundation
public import MCP

public enum JSONRPCMessage: Sendable, Equatable {
    case request(JSONRPCRequest)
    case notification(method: String)
    /// A client's answer to a server-initiated request; this stateless server sends none.
    case response

    /// Classifies one message body, parsed once (``JSONValue``): the params stay parsed in the request.
    ///
    /// - Throws: ``JSONRPCError/parseError(_:)`` or ``JSONRPCError/invalidRequest(_:)``.
    public static func parse(_ body: Data) throws(JSONRPCError) -> JSONRPCMessage {
        switch JSONValue.parse(body) {
        case nil: throw .parseError("Body is not valid JSON")
        case .array?:
            throw .invalidRequest(
                "Batch requests are not supported (removed from MCP in 2025-06-18); send one message per POST")
        case .object(let members)?: return try classify(members)
        case .some: throw .invalidRequest("A JSON-RPC message must be a JSON object")
        }
    }

    static func classify(_ members: [String: JSONValue]) throws(JSONRPCError) -> JSONRPCMessage {
        guard members["jsonrpc"] == .string("2.0") else { throw .invalidRequest("\"jsonrpc\" must be \"2.0\"") }
        let id: ID?
        switch members["id"] {
        case nil: id = nil
        case .string(let string)?: id = .string(string)
        case .integer(let number)?: id = .number(number)
        case .some: throw .invalidRequest("\"id\" must be a string or an integer")
        }
        guard case .string(let method)? = members["method"] else {
            if id != nil, members["result"] != nil || members["error"] != nil { return .response }
            throw .invalidRequest("A request needs a string \"method\"")
        }
        guard let id else { return .notification(method: method) }
        return .request(JSONRPCRequest(id: id, method: method, params: members["params"]))
    }
}

/// A JSON-RPC request: it has an `id` and expects a response.
public struct JSONRPCRequest: Sendable, Equatable {
    public let id: ID
    public let method: String
    /// `params` as parsed with the message; nil when absent or null.
    let params: JSONValue?

    /// A request built in code, for tests and for wrapping handlers.
    public init(id: ID, method: String, params: some Encodable) throws {
        let message = try JSONEncoder().encode(RequestBody(id: id, method: method, params: params))
        guard case .request(let request) = try JSONRPCMessage.parse(message) else {
            throw JSONRPCError.invalidRequest("Not a request")
        }
        self = request
    }

    init(id: ID, method: String, params: JSONValue?) {
        self.id = id
        self.method = method
        self.params = params == .null ? nil : params
    }

    /// Whether the request carries `params` (not absent, not null).
    public var hasParams: Bool { params != nil }

    /// Whether `params` is there and is not an object (MCP sends named params only).
    package var paramsAreMalformed: Bool {
        switch params {
        case nil, .object?: false
        case .some: true
        }
    }

    /// `params.name` as a string: `tools/call` and `prompts/get` find their tool or prompt by it.
    ///
    /// - Throws: ``JSONRPCError/invalidParams(_:)`` when it is missing or not a string.
    public func name() throws(JSONRPCError) -> String {
        switch params {
        case .object(let members)?:
            switch members["name"] {
            case .string(let name)?: return name
            case nil: throw .invalidParams("missing required \"name\"")
            case .some: throw .invalidParams("\"name\" must be a string")
            }
        case nil: throw .invalidParams("missing required \"name\"")
        case .some: throw .invalidParams("\"params\" must be an object")
        }
    }

    /// `params.arguments` decoded as `A`, the arguments of `tools/call` and `prompts/get`; absent or `null`, they
    /// decode as `{}`. Read from the parsed params directly: decoding a whole params type, for the name the dispatch
    /// has already read, cost more than the arguments themselves.
    ///
    /// - Throws: ``JSONRPCError/invalidParams(_:)`` naming the missing or mistyped field (`arguments.message`).
    package func arguments<A: Decodable>(_ type: A.Type = A.self) throws(JSONRPCError) -> A {
        guard !paramsAreMalformed else { throw .invalidParams("\"params\" must be an object") }
        var arguments = JSONValue.object([:])
        if case .object(let members)? = params, let given = members["arguments"], given != .null { arguments = given }
        do { return try A(from: arguments.decoder(codingPath: [ArgumentsKey()])) } catch {
            throw .invalidParams(Self.describe(error))
        }
    }

    private struct ArgumentsKey: CodingKey {
        var stringValue: String { "arguments" }
        var intValue: Int? { nil }
        init() {}
        init?(stringValue: String) { nil }
        init?(intValue: Int) { nil }
    }

    /// Decodes `params` as `P`; absent params decode as `{}`.
    ///
    /// - Throws: ``JSONRPCError/invalidParams(_:)`` naming the missing or mistyped field.
    public func params<P: Decodable>(_ type: P.Type = P.self) throws(JSONRPCError) -> P {
        guard !paramsAreMalformed else { throw .invalidParams("\"params\" must be an object") }
        do { return try JSONValueDecoder.decode(P.self, from: params ?? .object([:])) } catch {
            throw .invalidParams(Self.describe(error))
        }
    }

    /// A decoding failure in words a client developer can act on.
    static func describe(_ error: any Error) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let keys = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "params" : keys.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            let parent = path(context.codingPath)
            return parent == "params"
                ? "missing required \"\(key.stringValue)\"" : "\(parent): missing required \"\(key.stringValue)\""
        case .typeMismatch(let type, let context)?, .valueNotFound(let type, let context)?:
            return "\"\(path(context.codingPath))\" must be \(Self.jsonName(of: type))"
        case .dataCorrupted(let context)?:
            return "\"\(path(context.codingPath))\": \(context.debugDescription)"
        default:
            return "params do not match the method"
        }
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "a boolean"
        case is Double.Type: "a number"
        default: "an object"
        }
    }
}

private struct RequestBody<P: Encodable>: Encodable {
    var jsonrpc = "2.0"
    let id: ID
    let method: String
    let params: P
}
