/// The HTTP answer to an ``AuthFailure``: status, challenge and body.
///
/// Introduced in step 6.
///
/// | failure | status | body |
/// |---|---|---|
/// | no token, bad header, bad token | 401 + `WWW-Authenticate` | `{"detail":"…"}` |
/// | too few scopes (step 8) | 403 + `WWW-Authenticate` with `insufficient_scope` | JSON-RPC error -32001 "Forbidden" |
/// | no keys yet (step 10) | 503 + `Retry-After` | `{"detail":"…"}` |
///
/// ```json
/// {"jsonrpc":"2.0","id":3,"error":{"code":-32001,"data":{"detail":"Insufficient scope: this request needs mcp:tools"},"message":"Forbidden"}}
/// ```
///
/// Its challenge is `Bearer`; a layer that may serve other schemes too asks a
/// ``ResourceChallenge`` for the rejection to throw.
///
/// - SeeAlso: RFC 6750 §3.1, MCP 2025-11-25 Authorization › Scope Challenge Handling
import HTTPTypes
public import Hummingbird
public import MCP

public struct AuthRejection: HTTPResponseError, Sendable {
    public let failure: AuthFailure
    public let challenge: BearerChallenge
    /// The JSON-RPC request refused, for the -32001 body of a 403.
    public let requestID: ID?

    public init(_ failure: AuthFailure, challenge: BearerChallenge, requestID: ID? = nil) {
        self.failure = failure
        self.challenge = challenge
        self.requestID = requestID
    }

    /// The JSON-RPC code for "authenticated, but not allowed".
    public static let forbiddenCode = -32001

    public var status: HTTPResponse.Status { Self.status(of: failure) }

    /// The status answering `failure`: 401, 403 for too few scopes, 503 without keys.
    static func status(of failure: AuthFailure) -> HTTPResponse.Status {
        switch failure {
        case .insufficientScope: .forbidden
        case .keysUnavailable: .serviceUnavailable
        default: .unauthorized  // every other failure is the credentials'
        }
    }

    public func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        try response()
    }

    /// The answer, built without a request: status, headers and body depend on the failure only.
    public func response() throws -> Response {
        try Self.response(to: failure, challenges: [challenge.headerValue(for: failure)], requestID: requestID)
    }

    /// The answer to `failure` with one `WWW-Authenticate` field per value of `challenges` (none on a 503); every
    /// rejection answers with it, so that their bodies are one.
    static func response(to failure: AuthFailure, challenges: [String], requestID: ID?) throws -> Response {
        var headers = HTTPFields()
        if case .keysUnavailable = failure {
            headers[.retryAfter] = "5"
            return try .json(["detail": failure.detail], status: status(of: failure), headers: headers)
        }
        for value in challenges { headers.append(HTTPField(name: .wwwAuthenticate, value: value)) }
        if case .insufficientScope = failure {
            let error = JSONRPCErrorObject(code: forbiddenCode, message: "Forbidden", detail: failure.detail)
            return try JSONRPCResponse.error(error, id: requestID).response(
                status: status(of: failure), headers: headers)
        }
        return try .json(["detail": failure.detail], status: status(of: failure), headers: headers)
    }
}
