/// A JSON-RPC 2.0 response, written as the spec orders it: `jsonrpc`, `id`, then `result` or `error`.
///
/// Introduced in step 2.
///
/// ```json
/// {"jsonrpc":"2.0","id":1,"result":{}}
/// {"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error","data":{"detail":"Body is not valid JSON"}}}
/// ```
///
/// The envelope is written around the compact JSON of the id and the payload, so
/// it reads in that order on every platform (Foundation's encoder on Linux orders
/// keys by hash unless told to sort them); `id` is `null` when the message had
/// none that could be read, as JSON-RPC requires. The payload goes through
/// ``JSONWriter``: the results of `ping` and `tools/call` write themselves.
import Foundation
public import Hummingbird
public import MCP

public struct JSONRPCResponse: Sendable {
    let id: ID?
    let member: String
    let payload: any Encodable & Sendable

    /// A success response carrying `result`.
    public static func result(_ result: any Encodable & Sendable, id: ID) -> JSONRPCResponse {
        JSONRPCResponse(id: id, member: "result", payload: result)
    }

    /// An error response; `id` is nil when the request's id could not be read.
    public static func error(_ error: JSONRPCErrorObject, id: ID?) -> JSONRPCResponse {
        JSONRPCResponse(id: id, member: "error", payload: error)
    }

    /// An error response for one of the standard JSON-RPC errors.
    public static func error(_ error: JSONRPCError, id: ID?) -> JSONRPCResponse {
        .error(JSONRPCErrorObject(error), id: id)
    }

    /// The response as compact JSON bytes; a ``JSONWritable`` payload writes itself into them.
    public func encoded() throws -> ByteBuffer {
        var json = JSONWriter(bytes: #"{"jsonrpc":"2.0","id":"#.utf8)
        switch id {
        case .number(let number)?: json.int(number)
        case .string(let string)?: json.string(string)
        case nil: json.null()
        }
        json.key(member)
        try json.write(payload)
        json.endObject()
        return json.buffer
    }

    /// An HTTP response with this JSON-RPC response as its body.
    public func response(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: try encoded()))
    }
}
