/// Which scope each MCP method needs: a table, and the `admin` role that bypasses it.
///
/// Introduced in step 8; step 10 picks the stricter table of the Keycloak posts.
/// A method absent from the table needs only a valid token. Pure in-memory
/// lookup; no I/O.
///
/// | method | ``step8`` | ``keycloak`` (step 10) |
/// |---|---|---|
/// | `initialize`, `ping` | a valid token | `mcp:read`, `mcp:tools` or `mcp:prompts` |
/// | `tools/list` | `mcp:tools` or `mcp:read` | `mcp:tools` |
/// | `tools/call` | `mcp:tools` | `mcp:tools` |
/// | `prompts/list`, `prompts/get` | `mcp:prompts` or `mcp:read` | `mcp:prompts` |
///
/// ```swift
/// try ScopePolicy.step8.check(ListTools.name, for: user)   // throws AuthFailure.insufficientScope("mcp:tools")
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
    /// The role that may do everything.
    public static let adminRole = "admin"

    public let requirements: [String: Requirement]

    public init(_ requirements: [String: Requirement]) {
        self.requirements = requirements
    }

    /// Step 8: `mcp:read` also lets a user list tools and prompts and get prompts.
    public static let step8 = ScopePolicy([
        ListTools.name: Requirement(tools, or: [read]),
        CallTool.name: Requirement(tools),
        ListPrompts.name: Requirement(prompts, or: [read]),
        GetPrompt.name: Requirement(prompts, or: [read]),
    ])

    /// The Keycloak posts (step 10): `mcp:read` grants `initialize` and `ping` only.
    public static let keycloak = ScopePolicy([
        Initialize.name: Requirement(read, or: [tools, prompts]),
        Ping.name: Requirement(read, or: [tools, prompts]),
        ListTools.name: Requirement(tools),
        CallTool.name: Requirement(tools),
        ListPrompts.name: Requirement(prompts),
        GetPrompt.name: Requirement(prompts),
    ])

    /// Whether `user` may call `method`.
    ///
    /// - Throws: ``AuthFailure/insufficientScope(_:)`` naming the scope to ask for.
    public func check(_ method: String, for user: AuthenticatedUser) throws(AuthFailure) {
        guard let requirement = requirements[method], !user.roles.contains(Self.adminRole) else { return }
        guard requirement.isMet(by: user.scopes) else { throw .insufficientScope(requirement.scope) }
    }
}
