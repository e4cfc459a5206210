/// Step 11 against servers that behave like the ones nobody here wrote: event-stream answers and sessions, as the
/// official TypeScript SDK's server does by default; RFC 9207 and RFC 9728 §3.3 as the 2026-07-28 client rules read them.
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCP
import Shared
import SharedRemote
import Synchronization
import TestSupport
import Testing

@testable import step11

/// Answers `/mcp` the way the official TypeScript SDK's server does: each JSON-RPC response in an event stream
/// (after a comment and a notification of its own), a session id from `initialize` on, required after it; 404 for a
/// session it no longer knows. It records the headers of every POST.
final class SDKStyleServer<Context: Hummingbird.RequestContext>: RouterMiddleware, Sendable {
    let sessions = Mutex<Set<String>>([])
    let seen = Mutex<[HTTPFields]>([])

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        guard request.method == .post, request.uri.path == "/mcp" else { return try await next(request, context) }
        seen.withLock { $0.append(request.headers) }
        var request = request
        let body = try await request.body.collect(upTo: 1 << 20)
        request.body = .init(buffer: body)
        let isInitialize = String(buffer: body).contains(#""method":"initialize""#)
        if !isInitialize, let session = request.headers[HTTPField.Name("Mcp-Session-Id")!] {
            guard sessions.withLock({ $0.contains(session) }) else {
                return Response(
                    status: .notFound, body: .init(byteBuffer: ByteBuffer(string: #"{"error":"Session not found"}"#)))
            }
        }
        var response = try await next(request, context)
        guard response.status == .ok, response.headers[.contentType]?.hasPrefix("application/json") == true else {
            return response
        }
        let collected = Collected()
        try await response.body.write(Collected.Writer(into: collected))
        let json = collected.buffer.withLock { $0 }
        let stream =
            ": stream opened\n\n"
            + #"event: message\#ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hi"}}\#n\#n"#
            + "event: message\nid: 1\ndata: \(String(buffer: json))\n\n"
        response.headers[.contentType] = "text/event-stream"
        response.headers[.contentLength] = nil
        if isInitialize {
            let session = UUID().uuidString
            sessions.withLock { _ = $0.insert(session) }
            response.headers[HTTPField.Name("Mcp-Session-Id")!] = session
        }
        response.body = .init(byteBuffer: ByteBuffer(string: stream))
        return response
    }

    /// Forgets every session, as a server that restarted.
    func endSessions() { sessions.withLock { $0.removeAll() } }

    /// The value of header `name` in the POSTs seen.
    func values(of name: String) -> [String?] {
        seen.withLock { $0.map { $0[HTTPField.Name(name)!] } }
    }
}

/// The bytes of a response body, as its writer gives them.
final class Collected: Sendable {
    let buffer = Mutex(ByteBuffer())

    struct Writer: ResponseBodyWriter {
        let into: Collected
        mutating func write(_ buffer: ByteBuffer) async throws {
            _ = into.buffer.withLock { $0.writeImmutableBuffer(buffer) }
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

/// A step-4 server (no auth) behind `sdk`, listening on a free port.
func sdkStyleStep4(_ sdk: SDKStyleServer<BasicRequestContext>) async throws -> BackgroundServer {
    let router = Router()
    router.add(middleware: sdk)
    MCPEndpoint(handler: MCPDispatcher(methods: .all, tools: [EchoTool()], prompts: [EchoPrompt()]))
        .addRoutes(to: router.group("/mcp"))
    return try await BackgroundServer.start(router)
}

// MARK: Tests

@Suite("Step 11 — any MCP server", .serialized)
struct Step11InteropTests {
    @Test(
        "event streams are read up to the response to our id: comments and the server's notifications are passed over")
    func serverSentEvents() {
        let stream = Data(
            (": keep-alive\r\n\r\nevent: message\r\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}\r\n\r\n"
                + "data: {\"jsonrpc\":\"2.0\",\n" + "data: \"id\":7,\"result\":{}}\n\n"
                + "data: {\"jsonrpc\":\"2.0\",\"id\":8,\"res").utf8)
        #expect(ServerSentEvents.dataOfCompleteEvents(in: stream).count == 2)
        let response = try? JSONSerialization.jsonObject(with: #require(ServerSentEvents.response(to: 7, in: stream)))
        #expect((response as? [String: Any])?["id"] as? Int == 7)
        #expect(ServerSentEvents.response(to: 8, in: stream) == nil)  // not complete yet
    }

    @Test(
        "a session over an event-stream server: MCP-Protocol-Version and Mcp-Session-Id after initialize; a 404 restarts it once"
    )
    func sessions() async throws {
        let sdk = SDKStyleServer<BasicRequestContext>()
        let server = try await sdkStyleStep4(sdk)
        try await withHTTP { http in
            var session = MCPHTTPSession(http: http, url: "http://127.0.0.1:\(server.port)/mcp")
            let initialize: Value = [
                "protocolVersion": "2025-11-25", "capabilities": [:], "clientInfo": ["name": "t", "version": "1"],
            ]
            guard case .result = try await session.call(Initialize.name, params: initialize) else {
                Issue.record("initialize failed")
                return
            }
            #expect(session.protocolVersion == "2025-11-25")
            let first = try #require(session.sessionID)
            guard case .result(let tools) = try await session.call(ListTools.name) else {
                Issue.record("tools/list failed")
                return
            }
            #expect(tools.objectValue?["tools"]?.arrayValue?.count == 1)
            #expect(sdk.values(of: "MCP-Protocol-Version") == [nil, "2025-11-25"])
            #expect(sdk.values(of: "Mcp-Session-Id") == [nil, first])
            sdk.endSessions()
            guard case .result = try await session.call(ListTools.name) else {
                Issue.record("tools/list after the session ended failed")
                return
            }
            #expect(session.sessionID != first)
        }
        await server.stop()
    }

    @Test("the whole flow against an event-stream server with sessions, as the official SDKs' servers answer")
    func wholeFlowOverEventStreams() async throws {
        let sdk = SDKStyleServer<MCPRequestContext>()
        let demo = try await Demo.start(configureMCP: { $0.add(middleware: sdk) })
        let transcript = Transcript()
        let outcomes = try await withHTTP {
            try await demo.client("mcp-admin", "admin123", store: freshStore(), http: $0, transcript: transcript).run()
        }
        await demo.stop()
        #expect(outcomes.map(\.succeeded) == [true, true, true])
        #expect(transcript.text.contains("initialize ✔ (version 2025-11-25, session "))
    }

    @Test("a redirect without iss, from a server that says it sends one, is refused (RFC 9207, 2026-07-28)")
    func issMissing() async throws {
        let demo = try await Demo.start(configureRealm: {
            $0.add(
                middleware: RedirectRewriter {
                    $0.replacingOccurrences(of: #"&iss=[^&]*"#, with: "", options: .regularExpression)
                })
        })
        await #expect(throws: OAuthFlowError.issuerMissing(demo.realmURL + "/realms/mcp-realm")) {
            try await withHTTP {
                _ = try await demo.client(
                    "mcp-admin", "admin123", store: freshStore(), http: $0, transcript: Transcript()
                ).run()
            }
        }
        await demo.stop()
    }

    @Test("registration says application_type native; the method the server registers is the one used")
    func registrationMetadata() async throws {
        let recorder = RegistrationRecorder()
        let demo = try await Demo.start(configureRealm: { $0.add(middleware: recorder) })
        let store = freshStore()
        _ = try await withHTTP {
            try await demo.client("mcp-admin", "admin123", store: store, http: $0, transcript: Transcript()).run()
        }
        await demo.stop()
        let body = try #require(recorder.bodies.withLock { $0.first })
        #expect(body.contains(#""application_type":"native""#))
        #expect(store.registration(issuer: demo.realmURL + "/realms/mcp-realm")?.tokenEndpointAuthMethod == "none")
    }

    @Test("token endpoint authentication follows the registered method: none, client_secret_post, client_secret_basic")
    func clientAuthentication() {
        func registration(_ method: String?, secret: String?) -> OAuthClientStore.Registration {
            .init(issuer: "i", clientID: "c:1", clientSecret: secret, redirectURI: "r", tokenEndpointAuthMethod: method)
        }
        #expect(registration("none", secret: nil).credentials().form.map(\.0) == ["client_id"])
        let post = registration("client_secret_post", secret: "s").credentials()
        #expect(post.form.map(\.0) == ["client_id", "client_secret"] && post.headers.isEmpty)
        let basic = registration("client_secret_basic", secret: "s p").credentials()
        #expect(basic.form.isEmpty)
        #expect(basic.headers.first?.1 == "Basic " + Data("c%3A1:s%20p".utf8).base64EncodedString())
    }

    @Test(
        "root resource metadata names the origin: checked against the identifier its URL was built from (RFC 9728 §3.3)"
    )
    func rootMetadataIdentifier() {
        let urls = MCPOAuthClient.wellKnownResourceMetadataURLs(for: "http://localhost:9000/mcp")
        #expect(
            urls.map(\.url) == [
                "http://localhost:9000/.well-known/oauth-protected-resource/mcp",
                "http://localhost:9000/.well-known/oauth-protected-resource",
            ])
        #expect(urls.map(\.resource) == ["http://localhost:9000/mcp", "http://localhost:9000"])
    }

    @Test("pre-registered credentials (--client-id, --client-secret) are used instead of registering, with HTTP Basic")
    func preRegisteredClient() async throws {
        let demo = try await Demo.start()
        let transcript = Transcript()
        let outcomes = try await withHTTP { http in
            // Registered beforehand, as an administrator would: confidential, a loopback redirect URI (any port).
            let registered = try await http.send(
                "POST", demo.realmURL + "/realms/mcp-realm/clients-registrations/openid-connect",
                headers: [("Content-Type", "application/json")],
                body: Data(
                    #"{"redirect_uris":["http://127.0.0.1/callback"],"token_endpoint_auth_method":"client_secret_basic"}"#
                        .utf8))
            struct Registered: Decodable {
                let client_id: String
                let client_secret: String
            }
            let credentials = try registered.json(Registered.self)
            return try await MCPOAuthClient(
                mcpURL: demo.mcpURL, store: freshStore(), login: .form(username: "mcp-admin", password: "admin123"),
                http: http, preRegistered: (credentials.client_id, credentials.client_secret),
                say: { transcript.append($0) }
            ).run()
        }
        await demo.stop()
        #expect(outcomes.allSatisfy { $0.succeeded })
        #expect(transcript.text.contains("(client_secret_basic)"))
        #expect(!transcript.text.contains("registered (RFC 7591)"))
    }

    @Test("when the resource's authorization server changes, the stored tokens are not offered to the new one")
    func authorizationServerChanged() async throws {
        let demo = try await Demo.start()
        let store = freshStore()
        let transcript = Transcript()
        try await withHTTP { http in
            _ = try await demo.client("mcp-admin", "admin123", store: store, http: http, transcript: Transcript()).run()
            let stored = try #require(store.tokens(resource: demo.mcpURL))
            try store.save(
                OAuthClientStore.Tokens(
                    resource: stored.resource, issuer: "http://old-server.example/realms/x",
                    accessToken: "expired.token.value",
                    refreshToken: stored.refreshToken, expiresAt: Date().addingTimeInterval(-10), scope: stored.scope))
            _ = try await demo.client("mcp-admin", "admin123", store: store, http: http, transcript: transcript).run()
        }
        await demo.stop()
        #expect(transcript.text.contains("not http://old-server.example/realms/x: authorizing again"))
        #expect(transcript.text.contains("⑥ authorization request"))
        #expect(!transcript.text.contains("refreshing it"))
    }

    @Test("servers that require DPoP nonces: the client retries once with the nonce, at the token endpoint and at /mcp")
    func dpopNonces() async throws {
        let demo = try await Demo.start(dpopRequired: true, dpopNonces: true)
        let transcript = Transcript()
        let outcomes = try await withHTTP {
            try await demo.client(
                "mcp-admin", "admin123", store: freshStore(), http: $0, transcript: transcript, dpop: DPoPKey()
            ).run()
        }
        await demo.stop()
        #expect(outcomes.allSatisfy { $0.succeeded })
        #expect(transcript.text.contains("use_dpop_nonce: the token endpoint wants its nonce in the proof"))
    }

    @Test(
        "the loopback page tells the truth, whole: signed in, or the error and its description",
        arguments: [
            ("code=abc&state=s", "Signed in"),
            ("error=access_denied&error_description=No%20thanks&state=s", "Sign-in failed"),
        ])
    func loopbackPage(query: String, title: String) async throws {
        let receiver = try await LoopbackReceiver.start()
        async let redirect = receiver.wait(timeout: .seconds(10))
        let page = try await withHTTP { try await $0.send("GET", receiver.redirectURI + "?" + query) }
        _ = try await redirect
        #expect(page.text.contains("<h1>\(title)</h1>"))
        #expect(page.text.hasSuffix("</html>"))
        if title == "Sign-in failed" { #expect(page.text.contains("<code>access_denied</code>: No thanks")) }
    }
}

/// Keeps the body of each registration request the realm server gets.
final class RegistrationRecorder: RouterMiddleware, Sendable {
    let bodies = Mutex<[String]>([])

    func handle(
        _ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path.hasSuffix("/clients-registrations/openid-connect") else {
            return try await next(request, context)
        }
        var request = request
        let body = try await request.body.collect(upTo: 1 << 16)
        bodies.withLock { $0.append(String(buffer: body)) }
        request.body = .init(buffer: body)
        return try await next(request, context)
    }
}
