/// Requests refused before any JSON-RPC is read.
///
/// Introduced in step 1. Each case renders itself: its status, any header the
/// status calls for (`Allow` on 405), and a `{"detail":"…"}` body that names the
/// reason, so a learner with curl sees why.
///
/// ```swift
/// throw HTTPRequestError.originNotAllowed("http://evil.example")   // 403
/// ```
public import Hummingbird

public enum HTTPRequestError: HTTPResponseError, Equatable {
    /// A browser origin that is not localhost and not configured (403).
    case originNotAllowed(String)
    /// No `Origin` header where this step requires one (403).
    case originMissing
    /// A `Host` header naming a server we are not, the DNS-rebinding tell (421).
    case hostNotAllowed(String)
    /// A POST whose `Content-Type` is not `application/json` (415).
    case unsupportedMediaType(String?)
    /// An `Accept` header that excludes JSON (406).
    case notAcceptable(String)
    /// An `MCP-Protocol-Version` header naming a version we do not speak (400).
    case unsupportedProtocolVersion(String)
    /// A method this endpoint does not serve (405).
    case methodNotAllowed(allow: String)
    /// A body larger than the limit (413); nothing past the limit is read.
    case bodyTooLarge(limit: Int)

    public var status: HTTPResponse.Status {
        switch self {
        case .originNotAllowed, .originMissing: .forbidden
        case .hostNotAllowed: .misdirectedRequest
        case .unsupportedMediaType: .unsupportedMediaType
        case .notAcceptable: .notAcceptable
        case .unsupportedProtocolVersion: .badRequest
        case .methodNotAllowed: .methodNotAllowed
        case .bodyTooLarge: .contentTooLarge
        }
    }

    /// The reason, as written in the body's `detail`.
    public var detail: String {
        switch self {
        case .originNotAllowed(let origin): "Origin not allowed: \(origin)"
        case .originMissing: "Origin header required"
        case .hostNotAllowed(let host): "Host not allowed: \(host)"
        case .unsupportedMediaType(let type): "Content-Type must be application/json, got \(type ?? "none")"
        case .notAcceptable(let accept): "Accept must allow application/json, got \(accept)"
        case .unsupportedProtocolVersion(let version):
            "Unsupported MCP-Protocol-Version: \(version) (supported: \(ProtocolVersion.supported.joined(separator: ", ")))"
        case .methodNotAllowed(let allow): "Method not allowed; use \(allow)"
        case .bodyTooLarge(let limit): "Request body larger than \(limit) bytes"
        }
    }

    public func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        var headers = HTTPFields()
        if case .methodNotAllowed(let allow) = self { headers[.allow] = allow }
        return try .json(["detail": detail], status: status, headers: headers)
    }
}
