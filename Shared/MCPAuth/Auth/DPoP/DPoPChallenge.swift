/// The `WWW-Authenticate` challenges of a resource that takes DPoP: `DPoP`, plus `Bearer` while bearer tokens are allowed.
///
/// Introduced in step 10, Going further: DPoP. Each challenge is its own
/// header field, `Bearer` first (so clients and scripts that read the first
/// one see what they saw before). The failure's `error` goes into the
/// challenge of the scheme the client used (`invalid_dpop_proof` always into
/// `DPoP`; into `DPoP` too when bearer tokens are refused altogether); the
/// other challenge stays plain, to say what else would be accepted. A 403
/// `insufficient_scope` is about a token that checked out, so it is answered
/// in that token's scheme alone, with the scope needed: the MCP scope
/// challenge, in `DPoP` for a DPoP-bound token.
///
/// ```text
/// WWW-Authenticate: Bearer realm="mcp-server", resource_metadata="http://localhost:9000/.well-known/oauth-protected-resource/mcp"
/// WWW-Authenticate: DPoP error="invalid_dpop_proof", error_description="DPoP proof was already used (jti replayed)",
///                   algs="ES256 RS256", resource_metadata="http://localhost:9000/.well-known/oauth-protected-resource/mcp"
///
/// WWW-Authenticate: DPoP error="insufficient_scope", scope="mcp:prompts", error_description="Insufficient scope: this request needs mcp:prompts",
///                   algs="ES256 RS256", resource_metadata="http://localhost:9000/.well-known/oauth-protected-resource/mcp"      (403)
/// ```
///
/// - SeeAlso: RFC 9449 §7.1 (`algs`, `invalid_dpop_proof`; errors for a DPoP-bound token in the `DPoP` scheme), RFC 6750 §3,
///   RFC 9728 §5.1, MCP 2025-11-25 Authorization › Scope Challenge Handling
public struct DPoPChallenge: Sendable, Equatable {
    /// How the client sent its token.
    public enum Scheme: Sendable, Equatable {
        case bearer, dpop
    }

    /// The `Bearer` challenge (its `resource_metadata` is repeated in the `DPoP` one).
    public var bearer: BearerChallenge
    public var policy: DPoPPolicy
    public var algorithms: [String]

    public init(
        bearer: BearerChallenge, policy: DPoPPolicy, algorithms: [String] = DPoPProofVerifier.supportedAlgorithms
    ) {
        self.bearer = bearer
        self.policy = policy
        self.algorithms = algorithms
    }

    /// The header values answering `failure` of a request that used `scheme` (nil: no or an unknown scheme): both challenges
    /// on a 401 while bearer tokens are allowed, the one of `scheme` on a 403.
    public func headerValues(for failure: AuthFailure, presented scheme: Scheme?) -> [String] {
        let errorInDPoP: Bool
        switch failure {
        case .invalidDPoPProof, .useDPoPNonce: errorInDPoP = true
        default:
            errorInDPoP = scheme == .dpop || policy == .required
        }
        if case .insufficientScope = failure {
            return [errorInDPoP ? dpopValue(for: failure) : bearer.headerValue(for: failure)]
        }
        var values: [String] = []
        if policy == .allowed { values.append(bearer.headerValue(for: errorInDPoP ? .missingToken : failure)) }
        values.append(dpopValue(for: errorInDPoP ? failure : .missingToken))
        return values
    }

    /// `DPoP [error=…, error_description=…,] algs="…"[, resource_metadata="…"]`.
    func dpopValue(for failure: AuthFailure) -> String {
        var parameters: [(String, String)] = []
        switch failure {
        case .missingToken, .keysUnavailable: break
        case .malformedHeader(let reason): parameters += [("error", "invalid_request"), ("error_description", reason)]
        case .invalidToken(let reason): parameters += [("error", "invalid_token"), ("error_description", reason)]
        case .invalidDPoPProof(let reason):
            parameters += [("error", DPoPProofError.code), ("error_description", reason)]
        case .useDPoPNonce(let reason):
            parameters += [("error", DPoPProofError.useNonceCode), ("error_description", reason)]
        case .insufficientScope(let scope):
            parameters += [("error", "insufficient_scope"), ("scope", scope), ("error_description", failure.detail)]
        }
        parameters.append(("algs", algorithms.joined(separator: " ")))
        if let resourceMetadata = bearer.resourceMetadata { parameters.append(("resource_metadata", resourceMetadata)) }
        return "DPoP " + parameters.map { "\($0.0)=\"\(BearerChallenge.quotable($0.1))\"" }.joined(separator: ", ")
    }
}
