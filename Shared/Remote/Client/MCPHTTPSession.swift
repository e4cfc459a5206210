/// JSON-RPC to an MCP server over Streamable HTTP, with a bearer or DPoP-bound token, keeping the challenges it answers with.
///
/// Introduced in step 11. The client needs what an MCP SDK transport hides:
/// the status and the `WWW-Authenticate` challenges of a 401 or 403, which
/// drive discovery and step-up. One POST per request, JSON answers.
///
/// Going further: DPoP. With a ``dpopKey``, the token goes as
/// `Authorization: DPoP <token>`, and every request carries a new proof in
/// `DPoP`: signed by that key, naming this request's method and URL (`htm`,
/// `htu`) and the token (`ath`), with a fresh `jti`, so a captured proof
/// cannot be sent again.
///
/// - SeeAlso: RFC 9449 §7.1 (the DPoP authentication scheme)
import Foundation
public import MCP
public import Shared

public struct MCPHTTPSession: Sendable {
    let http: ClientHTTP
    public let url: String
    public var accessToken: String?
    /// The key the token is bound to; nil for a bearer token.
    public var dpopKey: DPoPKey?
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
        let id = nextID
        nextID += 1
        let body = try JSONEncoder().encode(
            ["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params] as Value)
        let response = try await post(body)
        if response.status == 401 || response.status == 403 {
            return .challenged(
                status: response.status,
                challenges: AuthenticationChallenge.parse(response.headers(named: "WWW-Authenticate")))
        }
        guard response.status == 200, let message = try? response.json(Value.self) else {
            // step 10's 503 says why
            let detail = (try? response.json(Value.self))?.objectValue?["detail"]?.stringValue
            throw OAuthFlowError.unexpectedStatus("POST \(url) (\(method))", response.status, detail: detail)
        }
        if let error = message.objectValue?["error"]?.objectValue {
            return .rpcError(
                code: error["code"]?.intValue ?? 0, message: error["message"]?.stringValue ?? "",
                detail: error["data"]?.objectValue?["detail"]?.stringValue)
        }
        return .result(message.objectValue?["result"] ?? .null)
    }

    /// Sends a notification (no answer expected beyond 202).
    public func notify(_ method: String) async throws {
        _ = try await post(try JSONEncoder().encode(["jsonrpc": "2.0", "method": .string(method)] as Value))
    }

    private func post(_ body: Data) async throws -> ClientHTTP.Response {
        var headers = [
            ("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"),
            ("MCP-Protocol-Version", "2025-06-18"),
        ]
        switch (accessToken, dpopKey) {
        case (let token?, let key?):
            headers += [
                ("Authorization", "DPoP \(token)"),
                ("DPoP", try key.proof(method: "POST", url: url, accessToken: token)),
            ]
        case (let token?, nil): headers.append(("Authorization", "Bearer \(token)"))
        case (nil, _): break
        }
        return try await http.send("POST", url, headers: headers, body: body)
    }
}
