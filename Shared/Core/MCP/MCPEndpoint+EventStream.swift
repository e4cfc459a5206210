/// A request's response as an event stream, the way the official SDKs' servers answer by default.
///
/// Introduced in step 10 (`MCP_EVENT_STREAM=true`), so that a client (step 11's) can be tried against a server that
/// answers as most MCP servers do. Streamable HTTP lets a server answer a POST with `application/json` or with
/// `text/event-stream`; a client must read both. Only a client whose `Accept` names `text/event-stream` gets the
/// stream: the response is one `message` event carrying the same JSON, and the stream ends.
///
/// ```text
/// HTTP/1.1 200 OK
/// Content-Type: text/event-stream
///
/// event: message
/// data: {"jsonrpc":"2.0","id":1,"result":{}}
///
/// ```
///
/// - SeeAlso: MCP 2025-11-25, Transports › Streamable HTTP › Sending Messages to the Server
public import Hummingbird
import NIOCore

extension MCPEndpoint {
    /// Whether `accept` names `text/event-stream` itself (a client that accepts anything is answered in JSON).
    static func acceptsEventStream(_ accept: String?) -> Bool {
        accept?.split(separator: ",").contains { MediaType.hasEssence(String($0), "text/event-stream") } ?? false
    }
}

extension JSONRPCResponse {
    /// This response as one `message` event (the JSON is compact: one `data` line).
    public func eventStreamResponse() throws -> Response {
        var body = ByteBuffer(string: "event: message\ndata: ")
        var json = try encoded()
        body.writeBuffer(&json)
        body.writeString("\n\n")
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: .init(byteBuffer: body))
    }
}
