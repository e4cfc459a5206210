/// The scope tables of the steps: step 8's, and the Keycloak posts' of step 10. Both let the `admin` role do everything.
///
/// Introduced in step 8 (the policy itself, ``ScopePolicy``, is in MCPAuth; these are the tutorial's examples).
///
/// | method | ``ScopePolicy/step8`` | ``ScopePolicy/keycloak`` (step 10) |
/// |---|---|---|
/// | `initialize`, `ping` | a valid token | `mcp:read`, `mcp:tools` or `mcp:prompts` |
/// | `tools/list` | `mcp:tools` or `mcp:read` | `mcp:tools` |
/// | `tools/call` | `mcp:tools` | `mcp:tools` |
/// | `prompts/list`, `prompts/get` | `mcp:prompts` or `mcp:read` | `mcp:prompts` |
/// | anything, for the role `admin` | allowed | allowed |
///
/// ```swift
/// try ScopePolicy.step8.check(ListTools.name, for: user)   // throws AuthFailure.insufficientScope("mcp:tools")
/// ```
import MCP
public import MCPAuth

extension ScopePolicy {
    /// Step 8: `mcp:read` also lets a user list tools and prompts and get prompts.
    public static let step8 = ScopePolicy(
        [
            ListTools.name: Requirement(tools, or: [read]),
            CallTool.name: Requirement(tools),
            ListPrompts.name: Requirement(prompts, or: [read]),
            GetPrompt.name: Requirement(prompts, or: [read]),
        ], bypassRoles: [adminRole])

    /// The Keycloak posts (step 10): `mcp:read` grants `initialize` and `ping` only.
    public static let keycloak = ScopePolicy(
        [
            Initialize.name: Requirement(read, or: [tools, prompts]),
            Ping.name: Requirement(read, or: [tools, prompts]),
            ListTools.name: Requirement(tools),
            CallTool.name: Requirement(tools),
            ListPrompts.name: Requirement(prompts),
            GetPrompt.name: Requirement(prompts),
        ], bypassRoles: [adminRole])
}
