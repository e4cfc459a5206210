// Recipe 1: a Hummingbird MCP endpoint protected by MCPAuth, with the keys it trusts in a PEM file.
import Hummingbird
import MCPAuth

/// `POST /mcp` for tokens of `issuer` signed by the key of `publicKeyPEM`, with RFC 9728 metadata; `tools/call` needs
/// the scope `mcp:tools`, and anything else a valid token. The handler says who called what.
public func protectedRouter(publicKeyPEM: String, serverURL: String, issuer: String) throws -> Router<MCPRequestContext>
{
    let resource = ProtectedResource(serverURL: serverURL, authorizationServers: [issuer], scopes: ["mcp:tools"])
    let keys = try LocalKeySet(publicKeyPEM: publicKeyPEM, id: "key-1")
    let endpoint = ProtectedMCPEndpoint(
        resource: resource, verifier: TokenVerifier(keys: keys, issuers: [issuer], audiences: [resource.identifier]),
        policy: ScopePolicy([CallTool.name: .init("mcp:tools")])
    ) { request in
        ["user": request.caller.username, "method": request.method]
    }
    let router = Router(context: MCPRequestContext.self)
    endpoint.addRoutes(to: router)
    return router
}
