// Recipe 2: the official MCP Swift SDK's `Server` behind MCPAuth, with the keys it trusts in a PEM file.
import Hummingbird
import MCPAuth

/// The SDK's `Server` with its tools behind MCPAuth: `tools/call` needs `mcp:tools`, the `delete` tool `files:delete`
/// too; every tool answers with its name and its caller.
public func sdkRouter(publicKeyPEM: String, serverURL: String, issuer: String) async throws -> Router<MCPRequestContext>
{
    let server = Server(name: "files", version: "1.0.0", capabilities: .init(tools: .init()))
    await server.withMethodHandler(CallTool.self) { params in
        if params.name == "delete" { try ProtectedSDKEndpoint.requireScope("files:delete") }
        let text = "\(params.name) by \(try ProtectedSDKEndpoint.caller().username)"
        return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)])
    }
    let transport = StatelessHTTPServerTransport()
    try await server.start(transport: transport)

    let resource = ProtectedResource(
        serverURL: serverURL, authorizationServers: [issuer], scopes: ["mcp:tools", "files:delete"])
    let keys = try LocalKeySet(publicKeyPEM: publicKeyPEM, id: "key-1")
    let endpoint = ProtectedSDKEndpoint(
        resource: resource, verifier: TokenVerifier(keys: keys, issuers: [issuer], audiences: [resource.identifier]),
        policy: ScopePolicy([CallTool.name: .init("mcp:tools")]), transport: transport)
    let router = Router(context: MCPRequestContext.self)
    endpoint.addRoutes(to: router)
    return router
}
