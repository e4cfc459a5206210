/// The HTTP answer of a resource that takes DPoP to an ``AuthFailure``: status, challenges and body.
///
/// Introduced in step 10, Going further: DPoP. As ``AuthRejection`` (401 with
/// `{"detail":"…"}`, 503 with `Retry-After` when no keys are loaded), but with
/// the challenges of a ``DPoPChallenge``: one `WWW-Authenticate` field per scheme.
public import HTTPTypes
public import Hummingbird

public struct DPoPRejection: HTTPResponseError, Sendable {
    public let failure: AuthFailure
    /// The scheme the client used, if any.
    public let scheme: DPoPChallenge.Scheme?
    public let challenge: DPoPChallenge

    public init(_ failure: AuthFailure, scheme: DPoPChallenge.Scheme?, challenge: DPoPChallenge) {
        self.failure = failure
        self.scheme = scheme
        self.challenge = challenge
    }

    public var status: HTTPResponse.Status { AuthRejection(failure, challenge: challenge.bearer).status }

    public func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        try response()
    }

    public func response() throws -> Response {
        switch failure {
        case .keysUnavailable, .insufficientScope:
            return try AuthRejection(failure, challenge: challenge.bearer).response()
        case .missingToken, .malformedHeader, .invalidToken, .invalidDPoPProof:
            var headers = HTTPFields()
            for value in challenge.headerValues(for: failure, presented: scheme) { headers.append(HTTPField(name: .wwwAuthenticate, value: value)) }
            return try .json(["detail": failure.detail], status: status, headers: headers)
        }
    }
}
