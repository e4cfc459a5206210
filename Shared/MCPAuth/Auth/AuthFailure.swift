/// Why a request was refused authorization, in words a client developer can act on.
///
/// Introduced in step 6. ``TokenVerifier`` and the scope checks of step 8 throw
/// these; ``AuthRejection`` turns one into the HTTP answer (status,
/// `WWW-Authenticate`, body). The words are the `detail` the client reads and
/// the reason the server logs; none of them repeats the token.
public enum AuthFailure: Error, Equatable, Sendable {
    /// No `Authorization` header (401, no `error` attribute, as RFC 6750 §3.1 advises).
    case missingToken
    /// An `Authorization` header that is not `Bearer <token>` (401, `invalid_request`).
    case malformedHeader(String)
    /// A token that fails verification: the reason (401, `invalid_token`).
    case invalidToken(String)
    /// A valid token without the scope the request needs (403, `insufficient_scope`).
    case insufficientScope(String)
    /// No keys to verify with (503): the authorization server was never reached.
    case keysUnavailable(String)
    /// Going further: a bad proof of possession, or one without the server's nonce (``DPoPChallenge``).
    case invalidDPoPProof(String)
    case useDPoPNonce(String)

    /// The reason as written in `detail` and in the log.
    public var detail: String {
        switch self {
        case .missingToken: "Authorization header missing"
        case .malformedHeader(let reason), .invalidToken(let reason), .keysUnavailable(let reason),
            .invalidDPoPProof(let reason), .useDPoPNonce(let reason):
            reason
        case .insufficientScope(let scope): "Insufficient scope: this request needs \(scope)"
        }
    }
}
