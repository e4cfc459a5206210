/// JSON-RPC to an MCP server over Streamable HTTP, with a bearer token, keeping the challenges it answers with.
///
/// Introduced in step 11. The client needs what an MCP SDK transport hides:
/// the status and the `WWW-Authenticate` challenges of a 401 or 403, which
/// drive discovery and step-up. One POST per request. What real servers do is
/// followed, as Streamable HTTP asks of a client:
///
/// - the answer may be `application/json` or a `text/event-stream`; from a
///   stream, the response to this request's id is taken, and whatever comes
///   before it (notifications, comments) is read past;
/// - after `initialize`, every request carries `MCP-Protocol-Version` (the
///   version the server agreed to), and `Mcp-Session-Id` when the server gave one;
/// - a 404 to a request with a session id means the session ended: the session
///   starts again with the same `initialize`, and the request is sent once more.
///
/// Going further: a token bound to a key, with a proof per request (`MCPHTTPSession+DPoP.swift`).
///
/// - SeeAlso: RFC 6750 §2.1, MCP 2025-11-25 Transports (Streamable HTTP)
import Foundation
public import MCP
public import Shared

public struct MCPHTTPSession: Sendable {
    let http: ClientHTTP
    public let url: String
    public var accessToken: String?
    /// The key the token is bound to (`MCPHTTPSession+DPoP.swift`); nil for a bearer token.
    public var dpopKey: DPoPKey?
    /// The protocol version the server answered `initialize` with; sent as `MCP-Protocol-Version` after it.
    public private(set) var protocolVersion: String?
    /// The server's `Mcp-Session-Id`, when it keeps sessions.
    public private(set) var sessionID: String?
    /// The last nonce the server gave for the key's proofs (`MCPHTTPSession+DPoP.swift`).
    public internal(set) var dpopNonce: String?
    private var initializeParams: Value?
    private var nextID = 1

    public init(http: ClientHTTP, url: String, accessToken: String? = nil, dpopKey: DPoPKey? = nil) {
        self.http = http
        self.url = url
        self.accessToken = accessToken
        self.dpopKey = dpopKey
    }

    /// The answer to one call.
    public enum Outcome: Sendable {
        case result(Value)
        case rpcError(code: Int, message: String, detail: String?)
        /// 401 or 403, with the challenges of `WWW-Authenticate`.
        case challenged(status: Int, challenges: [AuthenticationChallenge])
    }

    /// Calls `method` with `params`.
    public mutating func call(_ method: String, params: Value = [:]) async throws -> Outcome {
        if method == Initialize.name {
            (protocolVersion, sessionID, initializeParams) = (nil, nil, params)
        }
        var response = try await send(method, params: params)
        if response.status == 404, sessionID != nil, method != Initialize.name, let initializeParams {
            // The server ended the session: start a new one, then send the request again, once.
            (protocolVersion, sessionID) = (nil, nil)
            let restarted = try await send(Initialize.name, params: initializeParams)
            try adopt(restarted, method: Initialize.name)
            try await notify(InitializedNotification.name)
            response = try await send(method, params: params)
        }
        if response.status == 401 || response.status == 403 {
            return .challenged(
                status: response.status,
                challenges: AuthenticationChallenge.parse(response.challenges))
        }
        let message = try adopt(response, method: method)
        if let error = message.objectValue?["error"]?.objectValue {
            return .rpcError(
                code: error["code"]?.intValue ?? 0, message: error["message"]?.stringValue ?? "",
                detail: error["data"]?.objectValue?["detail"]?.stringValue)
        }
        return .result(message.objectValue?["result"] ?? .null)
    }

    /// The JSON-RPC answer in `response`; after `initialize`, its session id and agreed version are kept.
    ///
    /// - Throws: ``OAuthFlowError/unexpectedStatus(_:_:detail:)`` for anything but a 200 carrying the response.
    @discardableResult
    private mutating func adopt(_ response: Answer, method: String) throws -> Value {
        guard response.status == 200, let message = response.message else {
            // step 10's 503 says why
            let detail = response.message?.objectValue?["detail"]?.stringValue
            throw OAuthFlowError.unexpectedStatus("POST \(url) (\(method))", response.status, detail: detail)
        }
        if method == Initialize.name {
            sessionID = response.sessionID
            protocolVersion = message.objectValue?["result"]?.objectValue?["protocolVersion"]?.stringValue
        }
        return message
    }

    /// POSTs request `method` and reads its answer, JSON or an event stream, up to the response to its id.
    private mutating func send(_ method: String, params: Value) async throws -> Answer {
        let id = nextID
        nextID += 1
        let body = try JSONEncoder().encode(
            ["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params] as Value)
        let response = try await post(body) { ServerSentEvents.response(to: id, in: $0) != nil }
        let isStream =
            response.header("Content-Type").map { MediaType.hasEssence($0, "text/event-stream") } ?? false
        let json = isStream ? ServerSentEvents.response(to: id, in: response.body) : response.body
        return Answer(
            status: response.status, message: json.flatMap { try? JSONDecoder().decode(Value.self, from: $0) },
            sessionID: response.header("Mcp-Session-Id"), challenges: response.headers(named: "WWW-Authenticate"))
    }

    /// What one POST came to: its status, the JSON-RPC response, the session id, the challenges.
    private struct Answer {
        let status: Int
        let message: Value?
        let sessionID: String?
        let challenges: [String]
    }

    /// Sends a notification (no answer expected beyond 202).
    public mutating func notify(_ method: String) async throws {
        _ = try await post(try JSONEncoder().encode(["jsonrpc": "2.0", "method": .string(method)] as Value))
    }

    /// POSTs `body`; once more when a server asks for a nonce in the key's proof (``keepsProofNonce(from:)``).
    private mutating func post(
        _ body: Data, until complete: (@Sendable (Data) -> Bool)? = nil
    ) async throws
        -> ClientHTTP.Response
    {
        let response = try await http.send("POST", url, headers: try headers(), body: body, until: complete)
        guard keepsProofNonce(from: response) else { return response }
        return try await http.send("POST", url, headers: try headers(), body: body, until: complete)
    }

    /// The headers of a POST: content types, the session's, and the token (``boundAuthorization(_:)`` if bound).
    private func headers() throws -> [(String, String)] {
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")]
        if let protocolVersion { headers.append(("MCP-Protocol-Version", protocolVersion)) }
        if let sessionID { headers.append(("Mcp-Session-Id", sessionID)) }
        if let accessToken {
            headers += try boundAuthorization(accessToken) ?? [("Authorization", "Bearer \(accessToken)")]
        }
        return headers
    }
}
