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

    public var status: HTTPResponse.Status {
        switch failure {
        case .missingToken, .malformedHeader, .invalidToken, .invalidDPoPProof: .unauthorized
        case .insufficientScope: .forbidden
        case .keysUnavailable: .serviceUnavailable
        }
    }

    public func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        try response()
    }

    /// The answer, built without a request: status, headers and body depend on the failure only.
    public func response() throws -> Response {
        var headers = HTTPFields()
        switch failure {
        case .keysUnavailable:
            headers[.retryAfter] = "5"
            return try .json(["detail": failure.detail], status: status, headers: headers)
        case .insufficientScope:
            headers[.wwwAuthenticate] = challenge.headerValue(for: failure)
            let error = JSONRPCErrorObject(code: Self.forbiddenCode, message: "Forbidden", detail: failure.detail)
            return try JSONRPCResponse.error(error, id: requestID).response(status: status, headers: headers)
        case .missingToken, .malformedHeader, .invalidToken, .invalidDPoPProof:
            headers[.wwwAuthenticate] = challenge.headerValue(for: failure)
            return try .json(["detail": failure.detail], status: status, headers: headers)
        }
    }
}
