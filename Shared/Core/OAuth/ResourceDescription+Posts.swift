/// What the posts' servers say of themselves in their resource metadata.
///
/// Introduced in step 7: `"resource_name":"MCP Echo Server"`, `"mcp_protocol_version":"2025-06-18"` and
/// `"resource_type":"mcp-server"`, as the original's metadata has them. MCPAuth adds none of these unless given.
public import MCPAuth

extension ResourceDescription {
    public static let posts = ResourceDescription(
        name: "MCP Echo Server", mcpProtocolVersion: "2025-06-18", type: "mcp-server")
}
