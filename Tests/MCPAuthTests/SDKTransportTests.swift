/// `MCPAuth` on its own, in front of the MCP Swift SDK's own server: the README's "MCPAuth in your server", compiled and run.
///
/// The route below is the whole integration: the bearer middleware refuses what it must (401 + challenge) before the
/// SDK sees a byte, the scope policy answers 403 for methods the token does not grant, and a tool handler that needs
/// more than its method's scope asks `requireScope` (the token is verified again from the SDK's handler context;
/// the verified-token cache makes that a lookup).
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import MCPAuth
import TestSupport
import Testing

/// An MCP server of the SDK, with one tool, behind MCPAuth.
func protectedSDKServer(verifier: TokenVerifier, resource: ProtectedResource) async throws -> Router<MCPRequestContext>
{
    let server = Server(name: "sdk-echo", version: "1.0.0", capabilities: .init(tools: .init()))
    await server.withMethodHandler(ListTools.self) { _ in
        ListTools.Result(tools: [Tool(name: "echo", description: "Echo a message", inputSchema: ["type": "object"])])
    }
    await server.withMethodHandler(CallTool.self) { params in
        if params.name == "secrets" {
            // A tool that needs more than tools/call's scope: ask who is calling, from the HTTP request the SDK kept.
            let authorization = Server.currentHandlerContext?.httpContext?.header("Authorization") ?? ""
            let user = try await verifier.verify(String(authorization.dropFirst("Bearer ".count)))
            try user.requireScope("mcp:admin")
        }
        let message = params.arguments?["message"]?.stringValue ?? ""
        return CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)])
    }
    let transport = StatelessHTTPServerTransport()
    try await server.start(transport: transport)

    let router = Router(context: MCPRequestContext.self)
    resource.metadata.addRoutes(to: router)  // RFC 9728, so clients can discover the authorization server
    let mcp = router.group("/mcp").add(
        middleware: BearerTokenMiddleware(verifier: verifier, challenge: resource.challenge))
    mcp.post { request, context -> Response in
        let body = Data(buffer: try await request.body.collect(upTo: 1 << 20))
        struct Method: Decodable { let method: String? }
        if let method = try? JSONDecoder().decode(Method.self, from: body).method, let caller = context.caller {
            do throws(AuthFailure) { try ScopePolicy.step8.check(method, for: caller) } catch {
                throw AuthRejection(error, challenge: resource.challenge)
            }
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let answer = await transport.handleRequest(
            MCP.HTTPRequest(method: "POST", headers: headers, body: body, path: "/mcp"))
        var fields = HTTPFields()
        for (name, value) in answer.headers { if let name = HTTPField.Name(name) { fields[name] = value } }
        return Response(
            status: .init(code: answer.statusCode), headers: fields,
            body: .init(byteBuffer: ByteBuffer(data: answer.bodyData ?? Data())))
    }
    return router
}

@Suite("MCPAuth in front of the MCP Swift SDK")
struct SDKTransportTests {
    let resource = ProtectedResource(
        serverURL: "http://localhost:9000", authorizationServers: ["http://localhost:9000"], scopes: ["mcp:tools"])

    func verifier() async throws -> TokenVerifier {
        let key = try VerificationKey.rsa(publicKeyPEM: DemoKeys.directory.publicKeyPEM()!, id: "mcp-key-1")
        return TokenVerifier(keys: LocalKeySet([key]), issuers: ["mcp-simple-auth"], audiences: ["mcp-server"])
    }

    func call(_ tool: String) -> String {
        #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"\#(tool)","arguments":{"message":"hi"}}}"#
    }

    @Test(
        "no token: 401 and the challenge, and the SDK never sees the request; a granted call reaches the SDK's handler")
    func bearer() async throws {
        let router = try await protectedSDKServer(verifier: try await verifier(), resource: resource)
        let token = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        try await Application(router: router).test(.router) { client in
            let refused = try await client.postMCP(call("echo"))
            #expect(refused.status == .unauthorized)
            #expect(
                refused.headers[.wwwAuthenticate]?.contains(
                    #"resource_metadata="http://localhost:9000/.well-known/oauth-protected-resource/mcp""#) == true)
            let granted = try await client.postMCP(
                call("echo"), headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(token)"))
            #expect(granted.status == .ok)
            #expect(granted.text.contains(#""text":"hi""#))
            let forged = try await client.postMCP(
                call("echo"),
                headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(ForgedToken.tamperedPayload(token))"))
            #expect(forged.status == .unauthorized)
        }
    }

    @Test(
        "a method the token does not grant gets 403 insufficient_scope; a tool that needs mcp:admin refuses a caller without it"
    )
    func scopes() async throws {
        let router = try await protectedSDKServer(verifier: try await verifier(), resource: resource)
        let reader = try await DemoKeys.token("guest", scopes: ["mcp:read"])
        let user = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        let admin = try await DemoKeys.token("root", scopes: ["mcp:tools", "mcp:admin"])
        try await Application(router: router).test(.router) { client in
            let forbidden = try await client.postMCP(
                call("echo"), headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(reader)"))
            #expect(forbidden.status == .forbidden)
            #expect(
                forbidden.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope", scope="mcp:tools""#) == true
            )
            let notAdmin = try await client.postMCP(
                call("secrets"), headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(user)"))
            #expect(!notAdmin.text.contains(#""text":"hi""#))
            let allowed = try await client.postMCP(
                call("secrets"), headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(admin)"))
            #expect(allowed.text.contains(#""text":"hi""#))
        }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
