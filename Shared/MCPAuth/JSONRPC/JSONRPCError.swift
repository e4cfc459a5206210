/// A JSON-RPC 2.0 error, as sent in a response's `error` member.
///
/// Introduced in step 2. Each case carries the specific reason, written as
/// `error.data.detail`; `message` is the standard phrase for the code:
///
/// ```json
/// {"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"Method not found","data":{"detail":"Unknown method: tools/delete"}}}
/// ```
///
/// - SeeAlso: JSON-RPC 2.0 §5.1; MCP 2025-06-18, Basic › Messages

public enum JSONRPCError: Error, Equatable, Sendable {
    /// The body is not JSON (-32700).
    case parseError(String)
    /// JSON, but not one JSON-RPC request object (-32600).
    case invalidRequest(String)
    /// No such method on this server (-32601).
    case methodNotFound(String)
    /// The method exists; its params are wrong (-32602).
    case invalidParams(String)
    /// The server failed; the detail says what, never how (-32603).
    case internalError(String)

    public var code: Int {
        switch self {
        case .parseError: -32700
        case .invalidRequest: -32600
        case .methodNotFound: -32601
        case .invalidParams: -32602
        case .internalError: -32603
        }
    }

    public var message: String {
        switch self {
        case .parseError: "Parse error"
        case .invalidRequest: "Invalid Request"
        case .methodNotFound: "Method not found"
        case .invalidParams: "Invalid params"
        case .internalError: "Internal error"
        }
    }

    public var detail: String {
        switch self {
        case .parseError(let detail), .invalidRequest(let detail), .methodNotFound(let detail),
            .invalidParams(let detail), .internalError(let detail):
            detail
        }
    }

    /// Whether the message was refused as a whole (HTTP 400) rather than answered
    /// with an error (HTTP 200). Streamable HTTP: "If the server cannot accept the
    /// input, it MUST return an HTTP error status code (e.g., 400 Bad Request)."
    public var rejectsMessage: Bool {
        switch self {
        case .parseError, .invalidRequest: true
        case .methodNotFound, .invalidParams, .internalError: false
        }
    }
}

/// The `error` member of a response: `{"code":…,"message":…,"data":{"detail":…}}`.
public struct JSONRPCErrorObject: Encodable, Sendable {
    public let code: Int
    public let message: String
    public let data: Detail

    public struct Detail: Encodable, Sendable {
        public let detail: String
    }

    public init(code: Int, message: String, detail: String) {
        self.code = code
        self.message = message
        self.data = Detail(detail: detail)
    }

    public init(_ error: JSONRPCError) {
        self.init(code: error.code, message: error.message, detail: error.detail)
    }
}
