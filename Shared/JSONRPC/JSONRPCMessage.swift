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

    /// The decoder every message goes through, made once.
    static let decoder = JSONDecoder()

    /// Classifies one message body.
    ///
    /// - Throws: ``JSONRPCError/parseError(_:)`` or ``JSONRPCError/invalidRequest(_:)``.
    public static func parse(_ body: Data) throws(JSONRPCError) -> JSONRPCMessage {
        let envelope: Envelope
        do {
            envelope = try JSONRPCMessage.decoder.decode(Envelope.self, from: body)
        } catch {
            throw .parseError("Body is not valid JSON")
        }
        switch envelope.shape {
        case .batch: throw .invalidRequest("Batch requests are not supported (removed from MCP in 2025-06-18); send one message per POST")
        case .notObject: throw .invalidRequest("A JSON-RPC message must be a JSON object")
        case .object: break
        }
        guard envelope.jsonrpc == "2.0" else { throw .invalidRequest("\"jsonrpc\" must be \"2.0\"") }
        if envelope.id == .invalid { throw .invalidRequest("\"id\" must be a string or an integer") }
        guard let method = envelope.method else {
            if envelope.hasResultOrError, case .valid = envelope.id { return .response }
            throw .invalidRequest("A request needs a string \"method\"")
        }
        guard case .valid(let id) = envelope.id else { return .notification(method: method) }
        return .request(JSONRPCRequest(id: id, method: method, paramsShape: envelope.params, paramsName: envelope.paramsName, message: body))
    }
}

/// A JSON-RPC request: it has an `id` and expects a response.
public struct JSONRPCRequest: Sendable, Equatable {
    public let id: ID
    public let method: String
    let paramsShape: ParamsShape
    /// `params.name`, read with the envelope: `tools/call` and `prompts/get` find their tool or prompt by it.
    let paramsName: ParamsName
    /// The whole message, kept so ``params(_:)`` can decode typed params from it.
    let message: Data

    /// A request built in code, for tests and for wrapping handlers.
    public init(id: ID, method: String, params: some Encodable) throws {
        let message = try JSONEncoder().encode(RequestBody(id: id, method: method, params: params))
        guard case .request(let request) = try JSONRPCMessage.parse(message) else { throw JSONRPCError.invalidRequest("Not a request") }
        self = request
    }

    init(id: ID, method: String, paramsShape: ParamsShape, paramsName: ParamsName, message: Data) {
        self.id = id
        self.method = method
        self.paramsShape = paramsShape
        self.paramsName = paramsName
        self.message = message
    }

    /// `params.name` as a string.
    ///
    /// - Throws: ``JSONRPCError/invalidParams(_:)`` when it is missing or not a string.
    public func name() throws(JSONRPCError) -> String {
        switch (paramsShape, paramsName) {
        case (.notObject, _): throw .invalidParams("\"params\" must be an object")
        case (_, .string(let name)): return name
        case (_, .notString): throw .invalidParams("\"name\" must be a string")
        case (_, .absent): throw .invalidParams("missing required \"name\"")
        }
    }

    /// Decodes `params` as `P`; absent params decode as `{}`.
    ///
    /// - Throws: ``JSONRPCError/invalidParams(_:)`` naming the missing or mistyped field.
    public func params<P: Decodable>(_ type: P.Type = P.self) throws(JSONRPCError) -> P {
        switch paramsShape {
        case .notObject: throw .invalidParams("\"params\" must be an object")
        case .absent:
            do { return try JSONRPCMessage.decoder.decode(P.self, from: Data("{}".utf8)) } catch { throw .invalidParams(Self.describe(error)) }
        case .object:
            do { return try JSONRPCMessage.decoder.decode(ParamsOnly<P>.self, from: message).params } catch {
                throw .invalidParams(Self.describe(error))
            }
        }
    }

    /// A decoding failure in words a client developer can act on.
    static func describe(_ error: any Error) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let keys = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.filter { $0 != "params" }
            return keys.isEmpty ? "params" : keys.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            let parent = path(context.codingPath)
            return parent == "params" ? "missing required \"\(key.stringValue)\"" : "\(parent): missing required \"\(key.stringValue)\""
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

private struct ParamsOnly<P: Decodable>: Decodable {
    let params: P
}

/// What `params` looked like, found without decoding it.
enum ParamsShape: Sendable, Equatable {
    case absent, object, notObject
}

/// What `params.name` was.
enum ParamsName: Sendable, Equatable {
    case absent, string(String), notString
}

/// The envelope of a message: just enough to classify it. Decoding never fails on
/// shape; every shape problem is recorded, so a thrown error means "not JSON".
private struct Envelope: Decodable {
    enum Shape { case object, batch, notObject }
    enum IDField: Equatable { case absent, valid(ID), invalid }

    var shape = Shape.object
    var jsonrpc: String?
    var id = IDField.absent
    var method: String?
    var params = ParamsShape.absent
    var paramsName = ParamsName.absent
    var hasResultOrError = false

    private enum Key: String, CodingKey { case jsonrpc, id, method, params, result, error }
    private enum ParamsKey: String, CodingKey { case name }

    init(from decoder: any Decoder) throws {
        guard let object = try? decoder.container(keyedBy: Key.self) else {
            shape = (try? decoder.unkeyedContainer()) != nil ? .batch : .notObject
            return
        }
        jsonrpc = try? object.decode(String.self, forKey: .jsonrpc)
        if object.contains(.id) {
            if let string = try? object.decode(String.self, forKey: .id) {
                id = .valid(.string(string))
            } else if let number = try? object.decode(Int.self, forKey: .id) {
                id = .valid(.number(number))
            } else {
                id = .invalid
            }
        }
        method = try? object.decode(String.self, forKey: .method)
        if object.contains(.params), (try? object.decodeNil(forKey: .params)) != true {
            if let nested = try? object.nestedContainer(keyedBy: ParamsKey.self, forKey: .params) {
                params = .object
                if nested.contains(.name) { paramsName = (try? nested.decode(String.self, forKey: .name)).map(ParamsName.string) ?? .notString }
            } else {
                params = .notObject
            }
        }
        hasResultOrError = object.contains(.result) || object.contains(.error)
    }
}
