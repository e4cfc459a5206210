/// The demo users of steps 5–8, as the posts name them.
///
/// Introduced in step 7, for the demo token endpoint. `gen-token` can mint a
/// token for anyone; these four are the ones the posts and tests use:
///
/// | user | password | scopes | roles |
/// |---|---|---|---|
/// | alice | alice123 | mcp:read mcp:tools | |
/// | bob | bob123 | mcp:read mcp:prompts | |
/// | admin | admin123 | mcp:read mcp:tools mcp:prompts mcp:admin | admin |
/// | guest | guest123 | (none) | |
///
/// The passwords are as public as this file: demo only.
public struct DemoUser: Sendable, Equatable {
    public let username: String
    public let password: String
    public let scopes: [String]
    public let roles: [String]

    public static let alice = DemoUser(
        username: "alice", password: "alice123", scopes: ["mcp:read", "mcp:tools"], roles: [])
    public static let bob = DemoUser(
        username: "bob", password: "bob123", scopes: ["mcp:read", "mcp:prompts"], roles: [])
    public static let admin = DemoUser(
        username: "admin", password: "admin123", scopes: ["mcp:read", "mcp:tools", "mcp:prompts", "mcp:admin"],
        roles: ["admin"])
    public static let guest = DemoUser(username: "guest", password: "guest123", scopes: [], roles: [])

    public static let all = [alice, bob, admin, guest]
}
