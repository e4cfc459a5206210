/// ``ProtectedSDKEndpoint``: MCPAuth in front of the MCP Swift SDK's own `Server`, as an engineer would use it.
///
/// The token middleware refuses what it must (401 + challenge) before the SDK sees a byte; the scope policy answers
/// 403 for methods the token does not grant; a tool handler reads its verified caller and asks for more scope, and a
/// refusal there is a 403 with the challenge, not the SDK's 200. Two callers' same `id` never swap answers, and a
/// client cannot pass a caller handle of its own.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import MCPAuth
import Synchronization
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An MCP server of the SDK, with three tools, behind ``ProtectedSDKEndpoint``; `seen` counts the calls that reach it.
func protectedSDKServer(
    verifier: TokenVerifier, resource: ProtectedResource, seen: Counter? = nil
) async throws -> Router<MCPRequestContext> {
    let server = Server(name: "sdk-echo", version: "1.0.0", capabilities: .init(tools: .init()))
    await server.withMethodHandler(ListTools.self) { _ in
        ListTools.Result(tools: [Tool(name: "echo", description: "Echo a message", inputSchema: ["type": "object"])])
    }
    await server.withMethodHandler(CallTool.self) { params in
        seen?.add()
        let text: String
        switch params.name {
        case "secrets":  // needs more than tools/call's scope
            try ProtectedSDKEndpoint.requireScope("mcp:admin")
            text = "the secrets"
        case "whoami": text = try ProtectedSDKEndpoint.caller().username
        case "handle": text = Server.currentHandlerContext?.httpContext?.header("MCPAuth-Caller") ?? "none"
        default: text = params.arguments?["message"]?.stringValue ?? ""
        }
        return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)])
    }
    let transport = StatelessHTTPServerTransport()
    try await server.start(transport: transport)
    let router = Router(context: MCPRequestContext.self)
    ProtectedSDKEndpoint(resource: resource, verifier: verifier, policy: .step8, transport: transport)
        .addRoutes(to: router)
    return router
}

@Suite("MCPAuth in front of the MCP Swift SDK (ProtectedSDKEndpoint)")
struct SDKTransportTests {
    let resource = ProtectedResource(
        serverURL: "http://localhost:9000", authorizationServers: ["http://localhost:9000"], scopes: ["mcp:tools"])

    func verifier() async throws -> TokenVerifier {
        let key = try VerificationKey.rsa(publicKeyPEM: DemoKeys.directory.publicKeyPEM()!, id: "mcp-key-1")
        return TokenVerifier(keys: LocalKeySet([key]), issuers: ["mcp-simple-auth"], audiences: ["mcp-server"])
    }

    func call(_ tool: String, id: Int = 7) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":{"message":"hi"}}}"#
    }

    func bearer(_ token: String) -> HTTPFields { HTTPFields.mcpPost.with(.authorization, "Bearer \(token)") }

    @Test("no token or a forged one: 401 and the challenge, and the SDK never sees the request; a granted call: 200")
    func tokens() async throws {
        let seen = Counter()
        let router = try await protectedSDKServer(verifier: try await verifier(), resource: resource, seen: seen)
        let token = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        try await Application(router: router).test(.router) { client in
            let refused = try await client.postMCP(call("echo"))
            #expect(refused.status == .unauthorized)
            #expect(
                refused.headers[.wwwAuthenticate]?.contains(
                    #"resource_metadata="http://localhost:9000/.well-known/oauth-protected-resource/mcp""#) == true)
            let forged = try await client.postMCP(call("echo"), headers: bearer(ForgedToken.tamperedPayload(token)))
            #expect(forged.status == .unauthorized)
            #expect(seen.value == 0)
            let granted = try await client.postMCP(call("echo"), headers: bearer(token))
            #expect(granted.status == .ok)
            #expect(granted.text.contains(#""text":"hi""#))
            #expect(granted.text.contains(#""id":7"#))
            #expect(seen.value == 1)
        }
    }

    @Test(
        "a method the token does not grant: 403 before the SDK; a tool's requireScope: 403 with the challenge and the id"
    )
    func scopes() async throws {
        let seen = Counter()
        let router = try await protectedSDKServer(verifier: try await verifier(), resource: resource, seen: seen)
        let reader = try await DemoKeys.token("guest", scopes: ["mcp:read"])
        let user = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        let admin = try await DemoKeys.token("root", scopes: ["mcp:tools", "mcp:admin"])
        try await Application(router: router).test(.router) { client in
            let forbidden = try await client.postMCP(call("echo"), headers: bearer(reader))
            #expect(forbidden.status == .forbidden)
            #expect(
                forbidden.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope", scope="mcp:tools""#) == true
            )
            #expect(seen.value == 0)

            let notAdmin = try await client.postMCP(call("secrets", id: 12), headers: bearer(user))
            #expect(notAdmin.status == .forbidden)
            #expect(
                notAdmin.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope", scope="mcp:admin""#) == true)
            #expect(notAdmin.text.contains(#""id":12"#))
            #expect(notAdmin.text.contains(#""code":-32001"#))
            #expect(!notAdmin.text.contains("the secrets"))

            let allowed = try await client.postMCP(call("secrets"), headers: bearer(admin))
            #expect(allowed.status == .ok)
            #expect(allowed.text.contains("the secrets"))
        }
    }

    @Test("the handler reads its verified caller; a client's own caller header never reaches the SDK")
    func caller() async throws {
        let router = try await protectedSDKServer(verifier: try await verifier(), resource: resource)
        let token = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        try await Application(router: router).test(.router) { client in
            let whoami = try await client.postMCP(call("whoami"), headers: bearer(token))
            #expect(whoami.text.contains(#""text":"alice""#))
            let spoofed = bearer(token).with(HTTPField.Name("MCPAuth-Caller")!, "mcpauth-someone-else")
            let handle = try await client.postMCP(call("handle"), headers: spoofed)
            #expect(handle.status == .ok)
            #expect(!handle.text.contains("someone-else"))
            #expect(handle.text.contains(#""text":"mcpauth-"#))
        }
    }

    // Without the endpoint's own ids, the SDK's transport leaves such requests waiting for ever: hence the limit.
    @Test("two callers send the same id at once: each gets its own answer, under its own id", .timeLimit(.minutes(1)))
    func sameID() async throws {
        let router = try await protectedSDKServer(verifier: try await verifier(), resource: resource)
        let alice = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        let bob = try await DemoKeys.token("bob", scopes: ["mcp:tools"])
        try await Application(router: router).test(.router) { client in
            try await withThrowingTaskGroup(of: (String, String).self) { group in
                for round in 0..<40 {
                    let (name, token) = round.isMultiple(of: 2) ? ("alice", alice) : ("bob", bob)
                    group.addTask {
                        (name, try await client.postMCP(call("whoami", id: 1), headers: bearer(token)).text)
                    }
                }
                for try await (name, text) in group {
                    #expect(text.contains(#""text":"\#(name)""#))
                    #expect(text.contains(#""id":1"#))
                }
            }
        }
    }

    @Test("bad JSON is answered at the gate with 400; a notification reaches the SDK and gets 202")
    func messages() async throws {
        let router = try await protectedSDKServer(verifier: try await verifier(), resource: resource)
        let token = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        try await Application(router: router).test(.router) { client in
            let malformed = try await client.postMCP("{not json", headers: bearer(token))
            #expect(malformed.status == .badRequest)
            #expect(malformed.text.contains(#""code":-32700"#))
            let notification = try await client.postMCP(
                #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, headers: bearer(token))
            #expect(notification.status == .accepted)
        }
    }

    @Test("the SDK's own client, over real HTTP with a bearer token, calls a tool through the endpoint")
    func sdkClient() async throws {
        let router = try await protectedSDKServer(verifier: try await verifier(), resource: resource)
        let token = try await DemoKeys.token("alice", scopes: ["mcp:tools", "mcp:read"])
        let withToken: RequestModifier = { request in
            var request = request
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            return request
        }
        try await withMCPClient(serving: router, requestModifier: withToken) { client, initialized in
            #expect(initialized.serverInfo.name == "sdk-echo")
            let result = try await client.callTool(name: "whoami", arguments: [:])
            guard case .text(let text, _, _) = result.content.first else {
                Issue.record("no text")
                return
            }
            #expect(text == "alice")
        }
    }
}

/// How many calls reached the SDK's handler.
final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
