/// The step-4 dispatch behind a ``ScopePolicy``: checks the method, then runs it.
///
/// Introduced in step 8. Wraps any ``JSONRPCHandler`` (the dispatch is not
/// copied): a caller without the method's scope gets 403, a `WWW-Authenticate`
/// challenge naming the scope, and a JSON-RPC -32001 "Forbidden" body, and the
/// method never runs. A tool that calls ``ToolContext/requireScope(_:)`` gets
/// the same answer. The challenge is the resource's (``ResourceChallenge``):
/// `Bearer` in step 8.
///
/// ```swift
/// let mcp = ScopeEnforcingHandler(MCPDispatcher(…), policy: .step8, challenge: resource.challenge)
/// ```
///
/// Throws the challenge's rejection (403; 401 without a caller).
/// - SeeAlso: RFC 6750 §3.1 (`insufficient_scope`), MCP 2025-11-25 Authorization › Scope Challenge Handling
public struct ScopeEnforcingHandler<Wrapped: JSONRPCHandler>: JSONRPCHandler {
    public let wrapped: Wrapped
    public let policy: ScopePolicy
    public let challenge: any ResourceChallenge

    public init(_ wrapped: Wrapped, policy: ScopePolicy, challenge: some ResourceChallenge) {
        self.wrapped = wrapped
        self.policy = policy
        self.challenge = challenge
    }

    public func handle(_ request: JSONRPCRequest, caller: AuthenticatedUser?) async throws -> any Encodable & Sendable {
        do {
            guard let caller else { throw AuthFailure.missingToken }
            try policy.check(request.method, for: caller)
            return try await wrapped.handle(request, caller: caller)
        } catch let failure as AuthFailure {
            throw challenge.rejection(failure, caller: caller, requestID: request.id)
        }
    }
}
