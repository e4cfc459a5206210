/// A protected resource that takes DPoP-bound tokens beside bearer ones: its token middleware and its challenge.
///
/// Introduced in step 10, Going further: DPoP (docs/dpop.md). Step 8's resource
/// checks bearer tokens with ``BearerTokenMiddleware`` and answers with its
/// ``BearerChallenge``; step 10's resource, built with a ``DPoPPolicy``, checks
/// both schemes with ``DPoPTokenMiddleware`` and answers with a challenge per
/// scheme, so a 401 or 403 is in the scheme of the caller's token.
///
/// ```swift
/// let resource = ProtectedResource(serverURL: url, authorizationServers: [issuer], scopes: scopes, dpop: .allowed)
/// let authenticated = router.group("/mcp").add(middleware: resource.tokenMiddleware(verifier: verifier))
/// let mcp = ScopeEnforcingHandler(dispatcher, policy: .keycloak, challenge: resource.tokenChallenge)
/// ```
import Hummingbird

extension ProtectedResource {
    /// The `WWW-Authenticate` challenges for the resource's ``dpop`` policy (`.allowed` when it has none).
    public var tokenChallenge: DPoPChallenge {
        DPoPChallenge(bearer: challenge, policy: dpop ?? .allowed)
    }

    /// Bearer tokens, and DPoP-bound tokens with a fresh proof checked by `proofs` (one verifier per server: it
    /// remembers the proofs it has seen).
    public func tokenMiddleware<Context: AuthenticatedRequestContext>(
        verifier: TokenVerifier, proofs: DPoPProofVerifier = DPoPProofVerifier()
    ) -> DPoPTokenMiddleware<Context> {
        DPoPTokenMiddleware(verifier: verifier, proofs: proofs, publicBaseURL: serverURL, challenge: tokenChallenge)
    }
}

extension ProtectedResourceMetadata {
    /// Says what `policy` takes: the proof algorithms, and whether bound tokens are required (RFC 9728 §2).
    mutating func advertise(_ policy: DPoPPolicy) {
        dpopSigningAlgValuesSupported = DPoPProofVerifier.supportedAlgorithms
        dpopBoundAccessTokensRequired = policy == .required ? true : nil
    }
}

extension ProtectedResource {
    /// The token middleware and the challenge of this resource: ``BearerTokenMiddleware`` and ``challenge`` without a
    /// ``dpop`` policy; with one, ``tokenMiddleware(verifier:proofs:)`` and ``tokenChallenge``, both schemes.
    func authentication<Context: AuthenticatedRequestContext>(
        verifier: TokenVerifier, proofs: DPoPProofVerifier, context: Context.Type
    ) -> (middleware: any MiddlewareProtocol<Request, Response, Context>, challenge: any ResourceChallenge) {
        guard dpop != nil else { return (BearerTokenMiddleware(verifier: verifier, challenge: challenge), challenge) }
        return (tokenMiddleware(verifier: verifier, proofs: proofs), tokenChallenge)
    }
}
