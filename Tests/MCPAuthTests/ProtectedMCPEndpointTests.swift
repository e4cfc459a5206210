/// ProtectedMCPEndpoint: one call protects an MCP endpoint. The answers a client gets, in the order they are decided.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCPAuth
import TestSupport
import Testing

@Suite("MCPAuth: ProtectedMCPEndpoint")
struct ProtectedMCPEndpointTests {
    /// An endpoint at /api/mcp: tools/call needs mcp:tools, the tool `delete` needs files:write too, and the handler
    /// asks for `audit:read` when the method is `audit/read`.
    func app() throws -> some ApplicationProtocol {
        let resource = ProtectedResource(
            serverURL: "http://localhost:9000", resourcePath: "/api/mcp",
            authorizationServers: ["https://auth.example"],
            scopes: ["mcp:tools", "files:write"])
        let verifier = TokenVerifier(
            keys: try LocalKeySet(publicKeyPEM: try #require(DemoKeys.directory.publicKeyPEM()), id: "mcp-key-1"),
            issuers: ["mcp-simple-auth"], audiences: ["mcp-server"])
        let endpoint = ProtectedMCPEndpoint(
            resource: resource, verifier: verifier, policy: ScopePolicy([CallTool.name: .init("mcp:tools")]),
            toolScopes: ["delete": "files:write"]
        ) { request in
            if request.method == "audit/read" { try request.requireScope("audit:read") }
            if request.method == "broken" { throw JSONRPCError.methodNotFound("broken") }
            return ["user": request.caller.username, "method": request.method]
        }
        let router = Router(context: MCPRequestContext.self)
        endpoint.addRoutes(to: router)
        return Application(router: router)
    }

    func post(
        _ client: some TestClientProtocol, _ body: String, token: String?, type: String = "application/json"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: type]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(
            uri: "/api/mcp", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func call(_ method: String, tool: String? = nil) -> String {
        #"{"jsonrpc":"2.0","id":5,"method":"\#(method)","params":{\#(tool.map { #""name":"\#($0)""# } ?? "")}}"#
    }

    @Test("no token: 401 and the challenge naming the metadata at the resource's own path, which is served")
    func unauthenticated() async throws {
        try await app().test(.router) { client in
            let response = try await post(client, call("ping"), token: nil)
            #expect(response.status == .unauthorized)
            #expect(
                response.headers[.wwwAuthenticate]
                    == #"Bearer realm="mcp-server", resource_metadata="http://localhost:9000/.well-known/oauth-protected-resource/api/mcp""#
            )
            let metadata = try await client.execute(
                uri: "/.well-known/oauth-protected-resource/api/mcp", method: .get)
            #expect(String(buffer: metadata.body).contains(#""resource":"http://localhost:9000/api/mcp""#))
        }
    }

    @Test("allowed: the handler's result with the request's id, the caller named")
    func allowed() async throws {
        let token = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        try await app().test(.router) { client in
            let response = try await post(client, call("tools/call", tool: "echo"), token: token)
            #expect(response.status == .ok)
            #expect(
                String(buffer: response.body)
                    == #"{"jsonrpc":"2.0","id":5,"result":{"method":"tools/call","user":"alice"}}"#)
        }
    }

    @Test("refused by method, by tool, and by the handler: 403, the scope in the challenge, the id in the body")
    func refused() async throws {
        let token = try await DemoKeys.token("alice", scopes: ["mcp:read"])
        let tools = try await DemoKeys.token("bob", scopes: ["mcp:tools"])
        try await app().test(.router) { client in
            for (body, token, scope) in [
                (call("tools/call", tool: "echo"), token, "mcp:tools"),
                (call("tools/call", tool: "delete"), tools, "files:write"),
                (call("audit/read"), tools, "audit:read"),
            ] {
                let response = try await post(client, body, token: token)
                #expect(response.status == .forbidden, "\(scope)")
                #expect(
                    response.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope", scope="\#(scope)""#)
                        == true)
                #expect(
                    String(buffer: response.body)
                        == #"{"jsonrpc":"2.0","id":5,"error":{"code":-32001,"data":{"detail":"Insufficient scope: this request needs \#(scope)"},"message":"Forbidden"}}"#
                )
            }
        }
    }

    @Test("a role bypasses nothing unless the policy names it")
    func noRoleBypass() async throws {
        let admin = try await DemoKeys.token("root", scopes: [], roles: ["admin"])
        try await app().test(.router) { client in
            let response = try await post(client, call("tools/call", tool: "echo"), token: admin)
            #expect(response.status == .forbidden)
        }
    }

    @Test("bad input is answered before the handler: 415, 413, 400 with a null id, 202 for a notification")
    func badInput() async throws {
        let token = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        try await app().test(.router) { client in
            let plain = try await post(client, call("ping"), token: token, type: "text/plain")
            #expect(plain.status == .unsupportedMediaType)
            let huge =
                #"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":""# + String(repeating: "a", count: 1 << 20)
                + #""}}"#
            let tooLarge = try await post(client, huge, token: token)
            #expect(tooLarge.status == .contentTooLarge)
            let malformed = try await post(client, "{not json", token: token)
            #expect(malformed.status == .badRequest)
            #expect(String(buffer: malformed.body).hasPrefix(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700"#))
            let notification = try await post(
                client, #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, token: token)
            #expect(notification.status == .accepted)
            let broken = try await post(client, call("broken"), token: token)
            #expect(broken.status == .ok && String(buffer: broken.body).contains(#""code":-32601"#))
        }
    }
}
