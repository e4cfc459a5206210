// Recipe 1: a Hummingbird MCP endpoint protected by MCPAuth, with the keys it trusts in a PEM file.
import Foundation
import Hummingbird
import MCPAuth

/// `POST /mcp` for tokens of `issuer` signed by the key of `publicKeyPEM`, with RFC 9728 metadata; `tools/call` needs
/// the scope `mcp:tools`, and anything else a valid token.
public func protectedRouter(publicKeyPEM: String, serverURL: String, issuer: String) throws -> Router<MCPRequestContext>
{
    let resource = ProtectedResource(serverURL: serverURL, authorizationServers: [issuer], scopes: ["mcp:tools"])
    let keys = try LocalKeySet(publicKeyPEM: publicKeyPEM, id: "key-1")
    let verifier = TokenVerifier(keys: keys, issuers: [issuer], audiences: [resource.identifier])
    let policy = ScopePolicy([CallTool.name: .init("mcp:tools")])
    let router = Router(context: MCPRequestContext.self)
    resource.addMetadataRoutes(to: router)
    let mcp = router.group("/mcp").add(
        middleware: BearerTokenMiddleware(verifier: verifier, challenge: resource.challenge))
    mcp.post { request, context -> Response in
        let body = Data(buffer: try await request.body.collect(upTo: 1 << 20))
        let message: JSONRPCMessage
        do throws(JSONRPCError) { message = try JSONRPCMessage.parse(body) } catch {
            return try JSONRPCResponse.error(error, id: nil).response(status: .badRequest)
        }
        guard case .request(let rpc) = message, let caller = context.caller else { return Response(status: .accepted) }
        do throws(AuthFailure) { try policy.check(rpc.method, for: caller) } catch {
            throw AuthRejection(error, challenge: resource.challenge, requestID: rpc.id)
        }
        return try JSONRPCResponse.result(["user": caller.username, "method": rpc.method], id: rpc.id).response()
    }
    return router
}
