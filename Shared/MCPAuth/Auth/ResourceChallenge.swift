/// The challenges a protected resource answers a refused request with, in the scheme the caller's token came with.
///
/// Introduced in step 8, for the scope policy; it matters from step 10, Going
/// further: DPoP, where a resource takes two schemes. A layer that refuses a
/// request after its token checked out (the scope policy, a tool's
/// ``AuthenticatedUser/requireScope(_:)``) holds one of these and asks it for
/// the rejection, without knowing which schemes the resource takes:
/// ``BearerChallenge`` (steps 6–9) always answers `Bearer`; ``DPoPChallenge``
/// answers a caller whose token is DPoP-bound (``AuthenticatedUser/boundKeyThumbprint``)
/// in the `DPoP` scheme and a bearer caller in `Bearer`. Pure in-memory
/// rendering, no network call.
///
/// ```swift
/// let challenge = DPoPChallenge(bearer: resource.challenge, policy: .allowed)   // or resource.challenge for bearer tokens only
/// do throws(AuthFailure) { try caller.requireScope("mcp:admin") }
/// catch { throw challenge.rejection(error, caller: caller, requestID: request.id) }
/// ```
///
/// ```text
/// a bearer token:     403, WWW-Authenticate: Bearer realm="mcp-server", resource_metadata="…", error="insufficient_scope", scope="mcp:prompts", …
/// a DPoP-bound token: 403, WWW-Authenticate: DPoP error="insufficient_scope", scope="mcp:prompts", …, algs="ES256 RS256", resource_metadata="…"
/// ```
///
/// The rejection answers 401 with `{"detail":"…"}` (no caller, a bad token),
/// 403 with the JSON-RPC -32001 "Forbidden" body naming `requestID`
/// (``AuthFailure/insufficientScope(_:)``), 503 when no keys are loaded.
///
/// - SeeAlso: RFC 9449 §7.1 (error responses for a DPoP-bound token use the `DPoP` scheme), RFC 6750 §3.1,
///   MCP 2025-11-25 Authorization › Scope Challenge Handling
public import Hummingbird
public import MCP

public protocol ResourceChallenge: Sendable {
    /// The answer to `failure` of a request by `caller` (nil: no token checked out), naming `requestID` in a 403's body.
    func rejection(_ failure: AuthFailure, caller: AuthenticatedUser?, requestID: ID?) -> any HTTPResponseError
}

extension BearerChallenge: ResourceChallenge {
    /// An ``AuthRejection``: a resource that takes bearer tokens only has one scheme to answer in.
    public func rejection(_ failure: AuthFailure, caller: AuthenticatedUser?, requestID: ID?) -> any HTTPResponseError {
        AuthRejection(failure, challenge: self, requestID: requestID)
    }
}

extension DPoPChallenge: ResourceChallenge {
    /// A ``DPoPRejection`` in the scheme of `caller`'s token: `DPoP` if it is bound to a key, else `Bearer`.
    public func rejection(_ failure: AuthFailure, caller: AuthenticatedUser?, requestID: ID?) -> any HTTPResponseError {
        DPoPRejection(
            failure, scheme: caller.map { $0.boundKeyThumbprint == nil ? .bearer : .dpop }, challenge: self,
            requestID: requestID)
    }
}
