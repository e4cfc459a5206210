// Recipe 3: recipe 1 for tokens bound to the client's key (DPoP, RFC 9449): bearer tokens are refused.
import Hummingbird
import MCPAuth

/// `POST /mcp` for DPoP-bound tokens of `issuer` only, each request with a fresh proof of the token's key; the
/// handler says who called, and with which key.
public func dpopRouter(publicKeyPEM: String, serverURL: String, issuer: String) throws -> Router<MCPRequestContext> {
    let resource = ProtectedResource(
        serverURL: serverURL, authorizationServers: [issuer], scopes: ["mcp:tools"], dpop: .required)
    let keys = try LocalKeySet(publicKeyPEM: publicKeyPEM, id: "key-1")
    let endpoint = ProtectedMCPEndpoint(
        resource: resource, verifier: TokenVerifier(keys: keys, issuers: [issuer], audiences: [resource.identifier]),
        policy: ScopePolicy([CallTool.name: .init("mcp:tools")])
    ) { request in
        ["user": request.caller.username, "key": request.caller.boundKeyThumbprint ?? "none"]
    }
    let router = Router(context: MCPRequestContext.self)
    endpoint.addRoutes(to: router)
    return router
}
