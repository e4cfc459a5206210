/// Which scope each MCP method needs: a table, and the roles (if any) that bypass it.
///
/// Introduced in step 8, whose table and step 10's are in `ScopePolicy+Steps.swift`.
/// A method absent from the table needs only a valid token. No role bypasses
/// the table unless named in `bypassRoles` (the steps name `admin`). Pure
/// in-memory lookup; no I/O.
///
/// ```swift
/// let policy = ScopePolicy([ListTools.name: .init("mcp:tools", or: ["mcp:read"]), CallTool.name: .init("mcp:tools")])
/// try policy.check(ListTools.name, for: user)   // throws AuthFailure.insufficientScope("mcp:tools")
/// ```
import MCP

public struct ScopePolicy: Sendable, Equatable {
    /// What one method needs: `scope`, or any of `alsoGrantedBy`.
    public struct Requirement: Sendable, Equatable {
        /// The scope named in the 403 challenge.
        public let scope: String
        public let alsoGrantedBy: Set<String>

        public init(_ scope: String, or alternatives: Set<String> = []) {
            self.scope = scope
            self.alsoGrantedBy = alternatives
        }

        func isMet(by scopes: Set<String>) -> Bool {
            scopes.contains(scope) || !scopes.isDisjoint(with: alsoGrantedBy)
        }
    }

    public static let read = "mcp:read"
    public static let tools = "mcp:tools"
    public static let prompts = "mcp:prompts"
    /// The role the steps let do everything (their policies name it in ``bypassRoles``).
    public static let adminRole = "admin"

    public let requirements: [String: Requirement]
    /// Roles whose holders pass every check of this policy; none unless given.
    public let bypassRoles: Set<String>

    public init(_ requirements: [String: Requirement], bypassRoles: Set<String> = []) {
        self.requirements = requirements
        self.bypassRoles = bypassRoles
    }

    /// Whether `user` may call `method`.
    ///
    /// - Throws: ``AuthFailure/insufficientScope(_:)`` naming the scope to ask for.
    public func check(_ method: String, for user: AuthenticatedUser) throws(AuthFailure) {
        guard let requirement = requirements[method], user.roles.isDisjoint(with: bypassRoles) else { return }
        guard requirement.isMet(by: user.scopes) else { throw .insufficientScope(requirement.scope) }
    }
}
