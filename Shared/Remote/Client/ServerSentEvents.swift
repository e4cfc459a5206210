/// The events of a `text/event-stream` body, as far as it has arrived: how an MCP server may answer a POST.
///
/// Introduced in step 11. Streamable HTTP lets a server answer a request with
/// `application/json` or with a stream of server-sent events, and a client
/// MUST accept both; the official SDKs' servers stream by default. The
/// stream can carry notifications and requests of the server before the
/// response, and comments (lines starting with `:`) to keep it open. Only
/// complete events (ended by a blank line) are returned, each its `data`
/// lines joined with newlines; `event`, `id` and `retry` fields are read past.
///
/// ```text
/// : keep-alive
/// event: message
/// data: {"jsonrpc":"2.0","method":"notifications/progress",…}
///
/// event: message
/// data: {"jsonrpc":"2.0","id":1,"result":{…}}
///
/// ```
///
/// - SeeAlso: MCP 2025-11-25 Transports › Streamable HTTP › Sending Messages to the Server;
///   WHATWG HTML § Server-sent events (the format)
import Foundation

public enum ServerSentEvents {
    /// The `data` of each complete event in `body` (UTF-8), in order.
    public static func dataOfCompleteEvents(in body: Data) -> [String] {
        let text = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
        var events: [String] = []
        var data: [String] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // The last piece has no newline after it yet: it is not a whole line.
        if !text.hasSuffix("\n") { lines.removeLast() }
        for line in lines {
            if line.isEmpty {
                if !data.isEmpty { events.append(data.joined(separator: "\n")) }
                data = []
            } else if line.hasPrefix("data:") {
                var value = line.dropFirst(5)
                if value.first == " " { value = value.dropFirst() }
                data.append(String(value))
            }
            // `:` comments, `event:`, `id:`, `retry:` and unknown fields are not the message.
        }
        return events
    }

    /// The first complete event whose data is the JSON-RPC response (result or error) to request `id`.
    public static func response(to id: Int, in body: Data) -> Data? {
        for event in dataOfCompleteEvents(in: body) {
            let json = Data(event.utf8)
            guard let message = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
                (message["id"] as? NSNumber)?.intValue == id, message["result"] != nil || message["error"] != nil
            else { continue }
            return json
        }
        return nil
    }
}
