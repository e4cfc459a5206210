/// The challenge of a resource that takes DPoP: each caller is answered in its token's scheme.
///
/// Introduced in step 10, Going further: DPoP. A caller whose token is DPoP-bound
/// (``AuthenticatedUser/boundKeyThumbprint``) is answered in the `DPoP` scheme, a bearer caller in `Bearer`:
///
/// ```text
/// a bearer token:     403, WWW-Authenticate: Bearer realm="mcp-server", resource_metadata="…", error="insufficient_scope", scope="mcp:prompts", …
/// a DPoP-bound token: 403, WWW-Authenticate: DPoP error="insufficient_scope", scope="mcp:prompts", …, algs="ES256 RS256", resource_metadata="…"
/// ```
///
/// - SeeAlso: RFC 9449 §7.1 (error responses for a DPoP-bound token use the `DPoP` scheme)
public import Hummingbird
public import MCP

extension DPoPChallenge: ResourceChallenge {
    /// A ``DPoPRejection`` in the scheme of `caller`'s token: `DPoP` if it is bound to a key, else `Bearer`.
    public func rejection(_ failure: AuthFailure, caller: AuthenticatedUser?, requestID: ID?) -> any HTTPResponseError {
        DPoPRejection(
            failure, scheme: caller.map { $0.boundKeyThumbprint == nil ? .bearer : .dpop }, challenge: self,
            requestID: requestID)
    }
}
