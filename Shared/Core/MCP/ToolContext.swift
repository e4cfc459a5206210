/// What a tool knows about the call beyond its arguments: who is calling.
///
/// Introduced in step 8, for tools that need more than the method's scope.
/// ``requireScope(_:)`` is the pattern for fine-grained tools: the scope policy
/// lets `tools/call` through with `mcp:tools`, and the tool itself demands more.
///
/// ```swift
/// func call(_ arguments: Arguments, context: ToolContext) async throws -> CallTool.Result {
///     try context.requireScope("mcp:admin")     // 403 insufficient_scope unless granted (or role admin)
///     …
/// }
/// ```
public struct ToolContext: Sendable {
    /// The verified caller; nil on servers without authentication (steps 3–5).
    public let caller: AuthenticatedUser?

    public init(caller: AuthenticatedUser?) {
        self.caller = caller
    }

    /// Continues only if the caller holds `scope` or the `admin` role (the steps' policies let `admin` do everything).
    ///
    /// - Throws: ``AuthFailure/insufficientScope(_:)``; ``AuthFailure/missingToken`` without a caller.
    public func requireScope(_ scope: String) throws(AuthFailure) {
        guard let caller else { throw .missingToken }
        try caller.requireScope(scope, bypassRoles: [ScopePolicy.adminRole])
    }
}
