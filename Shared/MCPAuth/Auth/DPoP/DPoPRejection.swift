/// The HTTP answer of a resource that takes DPoP to an ``AuthFailure``: status, challenges and body.
///
/// Introduced in step 10, Going further: DPoP. The statuses and bodies of
/// ``AuthRejection`` (401 with `{"detail":"…"}`, 403 with the JSON-RPC -32001
/// "Forbidden" body, 503 with `Retry-After` when no keys are loaded), with the
/// challenges of a ``DPoPChallenge``: one `WWW-Authenticate` field per scheme
/// on a 401, and on a 403 the scope challenge in the scheme of the caller's
/// token (`DPoP error="insufficient_scope"` for a DPoP-bound one).
///
/// ```swift
/// throw DPoPRejection(.insufficientScope("mcp:prompts"), scheme: .dpop, challenge: challenge, requestID: request.id)
/// ```
///
/// - SeeAlso: RFC 9449 §7.1, RFC 6750 §3.1
public import HTTPTypes
public import Hummingbird
public import MCP

public struct DPoPRejection: HTTPResponseError, Sendable {
    public let failure: AuthFailure
    /// The scheme the client used, if any.
    public let scheme: DPoPChallenge.Scheme?
    public let challenge: DPoPChallenge
    /// The JSON-RPC request refused, for the -32001 body of a 403.
    public let requestID: ID?
    /// A fresh nonce for the `DPoP-Nonce` header, with `use_dpop_nonce` (RFC 9449 §8).
    public let nonce: String?

    public init(
        _ failure: AuthFailure, scheme: DPoPChallenge.Scheme?, challenge: DPoPChallenge, requestID: ID? = nil,
        nonce: String? = nil
    ) {
        self.failure = failure
        self.scheme = scheme
        self.challenge = challenge
        self.requestID = requestID
        self.nonce = nonce
    }

    public var status: HTTPResponse.Status { AuthRejection.status(of: failure) }

    public func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        try response()
    }

    /// The answer, built without a request: status, headers and body depend on the failure and the scheme only.
    public func response() throws -> Response {
        var response = try AuthRejection.response(
            to: failure, challenges: challenge.headerValues(for: failure, presented: scheme), requestID: requestID)
        if let nonce { response.headers[.dpopNonce] = nonce }
        return response
    }
}
