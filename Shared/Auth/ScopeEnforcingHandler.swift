/// The step-4 dispatch behind a ``ScopePolicy``: checks the method, then runs it.
///
/// Introduced in step 8. Wraps any ``JSONRPCHandler`` (the dispatch is not
/// copied): a caller without the method's scope gets 403, a `WWW-Authenticate`
/// challenge naming the scope, and a JSON-RPC -32001 "Forbidden" body, and the
/// method never runs. A tool that calls ``ToolContext/requireScope(_:)`` gets
/// the same answer.
///
/// ```swift
/// let mcp = ScopeEnforcingHandler(MCPDispatcher(…), policy: .step8, challenge: challenge)
/// ```
///
/// Throws ``AuthRejection`` (403).
public struct ScopeEnforcingHandler<Wrapped: JSONRPCHandler>: JSONRPCHandler {
    public let wrapped: Wrapped
    public let policy: ScopePolicy
    public let challenge: BearerChallenge

    public init(_ wrapped: Wrapped, policy: ScopePolicy, challenge: BearerChallenge) {
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
            throw AuthRejection(failure, challenge: challenge, requestID: request.id)
        }
    }
}
