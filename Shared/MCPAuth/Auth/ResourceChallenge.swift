/// The challenges a protected resource answers a refused request with, in the scheme the caller's token came with.
///
/// Introduced in step 8, for the scope policy. A layer that refuses a request
/// after its token checked out (the scope policy, a tool's
/// ``AuthenticatedUser/requireScope(_:)``) holds one of these and asks it for
/// the rejection, without knowing which schemes the resource takes:
/// ``BearerChallenge`` (steps 6–9) always answers `Bearer`; a resource that
/// takes key-bound tokens too answers each caller in its token's scheme (see
/// `ResourceChallenge+DPoP.swift`). Pure in-memory rendering, no network call.
///
/// ```swift
/// let challenge = resource.challenge
/// do throws(AuthFailure) { try caller.requireScope("mcp:admin") }
/// catch { throw challenge.rejection(error, caller: caller, requestID: request.id) }
/// ```
///
/// ```text
/// 403, WWW-Authenticate: Bearer realm="mcp-server", resource_metadata="…", error="insufficient_scope", scope="mcp:prompts", …
/// ```
///
/// The rejection answers 401 with `{"detail":"…"}` (no caller, a bad token),
/// 403 with the JSON-RPC -32001 "Forbidden" body naming `requestID`
/// (``AuthFailure/insufficientScope(_:)``), 503 when no keys are loaded.
///
/// - SeeAlso: RFC 6750 §3.1, MCP 2025-11-25 Authorization › Scope Challenge Handling
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
