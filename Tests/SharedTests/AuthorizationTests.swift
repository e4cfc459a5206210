/// The bearer middleware, challenges and scope policy as units: nothing refused reaches the handler.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import Shared
import Synchronization
import TestSupport
import Testing

/// A JSON-RPC handler that records each request it is asked to run.
final class RecordingHandler: JSONRPCHandler {
    let calls = Mutex<[String]>([])

    func handle(_ request: JSONRPCRequest, caller: AuthenticatedUser?) async throws -> any Encodable & Sendable {
        calls.withLock { $0.append(request.method) }
        return EmptyResult()
    }
}

/// /mcp behind the bearer middleware (demo key, step-6 rules), serving `handler`.
func protectedRouter(_ handler: RecordingHandler) async throws -> Router<MCPRequestContext> {
    let keys = await DemoKeys.publicKeys()
    let verifier = TokenVerifier(
        keys: LocalKeySet(keys.verificationKeys), issuers: ["mcp-simple-auth"], audiences: ["mcp-server"])
    let router = Router(context: MCPRequestContext.self)
    MCPEndpoint(handler: handler).addRoutes(
        to: router.group("/mcp").add(
            middleware: BearerTokenMiddleware(verifier: verifier, challenge: BearerChallenge())))
    return router
}

func user(scopes: Set<String>, roles: Set<String> = []) -> AuthenticatedUser {
    AuthenticatedUser(username: "u", subject: "u", scopes: scopes, roles: roles, issuer: "i", expiresAt: Date())
}

// MARK: Tests

@Suite("Authorization")
struct AuthorizationTests {
    @Test("no forged or refused token reaches the handler; a good one does, once")
    func nothingRefusedReachesTheHandler() async throws {
        let handler = RecordingHandler()
        let forged = [
            ForgedToken.unsigned(), ForgedToken.hmacWithPublicKey(),
            ForgedToken.tamperedPayload(try await DemoKeys.token("alice")),
            ForgedToken.tamperedSignature(try await DemoKeys.token("alice")),
            try await ForgedToken.signedWithAnotherKey(),
            ForgedToken.withoutExpiry(), try await DemoKeys.token("alice", lifetime: -120), "",
        ]
        try await Application(router: try await protectedRouter(handler)).test(.router) { client in
            for token in forged {
                let response = try await client.postMCP(
                    RPC.echo("x"), headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(token)"))
                #expect(response.status == .unauthorized)
            }
            #expect(handler.calls.withLock { $0 }.isEmpty)
            let good = try await DemoKeys.token("alice")
            _ = try await client.postMCP(
                RPC.echo("x"), headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(good)"))
            #expect(handler.calls.withLock { $0 } == ["tools/call"])
        }
    }

    @Test("challenge values keep only the characters RFC 6750 allows")
    func challengeQuoting() {
        let value = BearerChallenge().headerValue(for: .invalidToken("bad \"kid\" \\ é\n"))
        #expect(value == #"Bearer realm="mcp-server", error="invalid_token", error_description="bad kid  ""#)
    }

    @Test("the step-8 policy: mcp:read lists and gets, mcp:tools calls, admin bypasses, ping needs nothing")
    func step8Policy() throws {
        let policy = ScopePolicy.step8
        try policy.check("tools/list", for: user(scopes: ["mcp:read"]))
        try policy.check("prompts/get", for: user(scopes: ["mcp:read"]))
        #expect(throws: AuthFailure.insufficientScope("mcp:tools")) {
            try policy.check("tools/call", for: user(scopes: ["mcp:read"]))
        }
        try policy.check("tools/call", for: user(scopes: [], roles: ["admin"]))
        try policy.check("ping", for: user(scopes: []))
        try policy.check("initialize", for: user(scopes: []))
    }

    @Test("the Keycloak policy: mcp:read grants initialize and ping only")
    func keycloakPolicy() throws {
        let policy = ScopePolicy.keycloak
        try policy.check("ping", for: user(scopes: ["mcp:read"]))
        #expect(throws: AuthFailure.insufficientScope("mcp:tools")) {
            try policy.check("tools/list", for: user(scopes: ["mcp:read"]))
        }
        #expect(throws: AuthFailure.insufficientScope("mcp:prompts")) {
            try policy.check("prompts/list", for: user(scopes: ["mcp:read"]))
        }
        #expect(throws: AuthFailure.insufficientScope("mcp:read")) { try policy.check("ping", for: user(scopes: [])) }
    }

    @Test("a policy of one's own lets no role bypass it unless it names the role; nor does requireScope")
    func noBypassByDefault() throws {
        let own = ScopePolicy([CallTool.name: .init("mcp:tools")])
        #expect(throws: AuthFailure.insufficientScope("mcp:tools")) {
            try own.check("tools/call", for: user(scopes: [], roles: ["admin"]))
        }
        try ScopePolicy(own.requirements, bypassRoles: ["operator"]).check(
            "tools/call", for: user(scopes: [], roles: ["operator"]))
        #expect(throws: AuthFailure.insufficientScope("mcp:admin")) {
            try user(scopes: [], roles: ["admin"]).requireScope("mcp:admin")
        }
        try user(scopes: [], roles: ["admin"]).requireScope("mcp:admin", bypassRoles: ["admin"])
    }

    @Test("requireScope lets the scope or the admin role through, and nothing else")
    func requireScope() throws {
        try ToolContext(caller: user(scopes: ["mcp:admin"])).requireScope("mcp:admin")
        try ToolContext(caller: user(scopes: [], roles: ["admin"])).requireScope("mcp:admin")
        #expect(throws: AuthFailure.insufficientScope("mcp:admin")) {
            try ToolContext(caller: user(scopes: ["mcp:tools"])).requireScope("mcp:admin")
        }
        #expect(throws: AuthFailure.missingToken) { try ToolContext(caller: nil).requireScope("mcp:admin") }
    }

    @Test("the protected resource's URLs follow RFC 9728 §3.1 and RFC 8414 §3")
    func resourceURLs() {
        let resource = ProtectedResource(
            serverURL: "https://mcp.example", authorizationServers: ["https://auth.example/realms/r"], scopes: [])
        #expect(resource.identifier == "https://mcp.example/mcp")
        #expect(resource.challenge.resourceMetadata == "https://mcp.example/.well-known/oauth-protected-resource/mcp")
        #expect(
            resource.healthLinks.authorizationServer
                == "https://auth.example/realms/r/.well-known/oauth-authorization-server")
    }
}
