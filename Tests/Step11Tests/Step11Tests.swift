/// Step 11: the client's whole flow against the realm server and the step-10 server, and every refusal.
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Shared
import SharedRemote
import Synchronization
import TestSupport
import Testing

@testable import step11

/// The realm server and a step-10 server on free ports, with hooks to make either misbehave.
struct Demo {
    let mcpURL: String
    let realmURL: String
    let servers: [BackgroundServer]

    /// - Parameters:
    ///   - publicMCPURL: what the MCP server believes its own URL is (a mismatch makes its metadata lie).
    ///   - realmHost: the host the realm server names itself by (another than 127.0.0.1 makes its issuer differ).
    ///   - configureRealm: adds middleware in front of the realm server.
    ///   - dpopRequired: the step-10 server's `DPOP_REQUIRED`.
    ///   - configureMCP: adds middleware in front of the step-10 server.
    static func start(
        publicMCPURL: ((Int) -> String)? = nil, realmHost: String = "127.0.0.1",
        configureRealm: (Router<BasicRequestContext>) -> Void = { _ in },
        dpopRequired: Bool = false, dpopNonces: Bool = false, clientDocuments: FakeDocumentFetch? = nil,
        configureMCP: (Router<MCPRequestContext>) -> Void = { _ in }
    ) async throws -> Demo {
        let realmPort = try BackgroundServer.freePort()
        let realmServer = try await RealmServer(
            realm: RealmFixture.realm(), baseURL: "http://\(realmHost):\(realmPort)",
            dpopNonces: dpopNonces ? DPoPNonces() : nil,
            clientDocuments: clientDocuments.map { fake in
                ClientMetadataDocuments(allowsLoopback: true) { try await fake.fetch($0) }
            })
        let realmRouter = Router()
        configureRealm(realmRouter)
        realmServer.addRoutes(to: realmRouter)
        let realm = try await BackgroundServer.start(realmRouter, port: realmPort)
        let mcpPort = try BackgroundServer.freePort()
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let serverURL = publicMCPURL?(mcpPort) ?? "http://127.0.0.1:\(mcpPort)"
        var configuration = KeycloakConfiguration(
            keycloakURL: "http://127.0.0.1:\(realmPort)", serverURL: serverURL)
        configuration.dpop = DPoPSettings(required: dpopRequired, nonceRequired: dpopNonces)
        let protected = ProtectedMCPServer(configuration: configuration, logger: quiet)
        await protected.keys.refresh()
        let router = Router(context: MCPRequestContext.self)
        configureMCP(router)
        protected.addRoutes(
            to: router, serving: MCPDispatcher(methods: .all, tools: [EchoTool()], prompts: [EchoPrompt()]))
        let mcp = try await BackgroundServer.start(router, port: mcpPort)
        return Demo(
            mcpURL: "http://127.0.0.1:\(mcpPort)/mcp", realmURL: "http://127.0.0.1:\(realmPort)", servers: [mcp, realm])
    }

    func stop() async {
        for server in servers { await server.stop() }
    }

    /// A client signing in as `user` through the login form, keeping its state in `store`, its tokens bound to `dpop` if given;
    /// the narration goes to `transcript`.
    func client(
        _ user: String, _ password: String, store: OAuthClientStore, http: ClientHTTP, transcript: Transcript,
        dpop: DPoPKey? = nil, clientIDURL: String? = nil
    )
        -> MCPOAuthClient
    {
        MCPOAuthClient(
            mcpURL: mcpURL, store: store, login: .form(username: user, password: password), http: http, dpop: dpop,
            clientIDURL: clientIDURL, say: { transcript.append($0) })
    }
}

/// The lines a client narrated.
final class Transcript: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

/// Runs `body` with a client HTTP that is shut down afterwards, whatever happens.
func withHTTP<T>(_ body: (ClientHTTP) async throws -> T) async throws -> T {
    let client = ClientHTTP.make()
    do {
        let value = try await body(client)
        await client.shutdown()
        return value
    } catch {
        await client.shutdown()
        throw error
    }
}

/// A fresh state directory.
func freshStore() -> OAuthClientStore {
    OAuthClientStore(
        directory: FileManager.default.temporaryDirectory.appendingPathComponent("step11-test-\(UUID().uuidString)")
            .path)
}

/// A count shared with a server.
final class Count: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var total: Int { value.withLock { $0 } }
}

/// Counts the requests whose path ends with `path`.
struct RequestCounter: RouterMiddleware {
    let path: String
    let count: Count

    func handle(
        _ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response
    ) async throws -> Response {
        if request.uri.path.hasSuffix(path) { count.add() }
        return try await next(request, context)
    }
}

/// Rewrites the `Location` of the realm's login redirect with `transform`.
struct RedirectRewriter: RouterMiddleware {
    let transform: @Sendable (String) -> String

    func handle(
        _ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        if request.method == .post, let location = response.headers[.location] {
            response.headers[.location] = transform(location)
        }
        return response
    }
}

// MARK: Tests

@Suite("Step 11", .serialized)
struct Step11Tests {
    @Test("mcp-admin: discovery, registration, PKCE login, tokens, and every call succeeds")
    func adminFlow() async throws {
        let demo = try await Demo.start()
        let transcript = Transcript()
        let store = freshStore()
        let outcomes = try await withHTTP {
            try await demo.client("mcp-admin", "admin123", store: store, http: $0, transcript: transcript).run()
        }
        await demo.stop()
        #expect(outcomes.map(\.succeeded) == [true, true, true])
        #expect(outcomes[1].detail == "hello from step 11")
        #expect(transcript.text.contains("⑤ registered (RFC 7591)"))
        #expect(transcript.text.contains("⑦ redirect received: state ✔, iss ✔"))
        // The files only their owner may read.
        for file in ["client.json", "tokens.json"] {
            let permissions =
                try FileManager.default.attributesOfItem(atPath: store.path(file))[.posixPermissions] as? Int
            #expect(permissions == 0o600)
        }
    }

    @Test("with --client-id-url, a server that takes metadata documents gets the URL as client_id: no registration")
    func clientIDMetadataDocument() async throws {
        let url = "http://127.0.0.1:9999/step11-client.json"
        let document = ClientMetadataDocument(url: url)
        let fake = FakeDocumentFetch([url: .init(status: 200, body: document.json)])
        let demo = try await Demo.start(clientDocuments: fake)
        let transcript = Transcript()
        let store = freshStore()
        let outcomes = try await withHTTP {
            try await demo.client(
                "mcp-admin", "admin123", store: store, http: $0, transcript: transcript, clientIDURL: url
            ).run()
        }
        await demo.stop()
        #expect(outcomes.map(\.succeeded) == [true, true, true])
        #expect(transcript.text.contains("client metadata documents ✔"))
        #expect(transcript.text.contains("⑤ client_id is this client's metadata document, \(url)"))
        #expect(!transcript.text.contains("registered (RFC 7591)"))
        #expect(fake.calls.withLock { $0 } == 1)
        #expect(store.registration(issuer: "\(demo.realmURL)/realms/mcp-realm")?.clientID == url)
    }

    @Test("with --client-id-url, a server that does not take metadata documents is registered with as before")
    func clientIDMetadataDocumentNotOffered() async throws {
        let demo = try await Demo.start()
        let transcript = Transcript()
        let outcomes = try await withHTTP {
            try await demo.client(
                "mcp-admin", "admin123", store: freshStore(), http: $0, transcript: transcript,
                clientIDURL: "https://app.example/step11-client.json"
            ).run()
        }
        await demo.stop()
        #expect(outcomes.map(\.succeeded) == [true, true, true])
        #expect(transcript.text.contains("does not take client metadata documents"))
        #expect(transcript.text.contains("⑤ registered (RFC 7591)"))
    }

    @Test("mcp-user: the 403 for prompts leads to a step-up, which the realm does not grant; the flow ends cleanly")
    func stepUp() async throws {
        let demo = try await Demo.start()
        let transcript = Transcript()
        let outcomes = try await withHTTP {
            try await demo.client("mcp-user", "user123", store: freshStore(), http: $0, transcript: transcript).run()
        }
        await demo.stop()
        #expect(outcomes.map(\.succeeded) == [true, true, false])
        #expect(outcomes[2].detail == "403 insufficient_scope: mcp:prompts not granted")
        #expect(
            transcript.text.contains(
                #"prompts/list ← 403 insufficient_scope, scope="mcp:prompts": step-up authorization 1 of 2"#))
    }

    @Test("a second run reuses the stored token; an expired one is refreshed; a forgotten client is registered again")
    func reuseRefreshReregister() async throws {
        let demo = try await Demo.start()
        let store = freshStore()
        let (second, third, outcomes) = try await withHTTP { http in
            _ = try await demo.client("mcp-admin", "admin123", store: store, http: http, transcript: Transcript()).run()
            let second = Transcript()
            _ = try await demo.client("mcp-admin", "admin123", store: store, http: http, transcript: second).run()
            // Expire the stored access token: the next run refreshes instead of logging in.
            let stored = try #require(store.tokens(resource: demo.mcpURL))
            try store.save(
                OAuthClientStore.Tokens(
                    resource: stored.resource, issuer: stored.issuer, accessToken: "expired.token.value",
                    refreshToken: stored.refreshToken,
                    expiresAt: Date().addingTimeInterval(-10), scope: stored.scope))
            let third = Transcript()
            let outcomes = try await demo.client("mcp-admin", "admin123", store: store, http: http, transcript: third)
                .run()
            return (second, third, outcomes)
        }
        await demo.stop()
        #expect(second.text.contains("← 200: the stored token is still good"))
        #expect(!second.text.contains("⑤"))
        #expect(third.text.contains("the stored access token has expired: refreshing it"))
        #expect(!third.text.contains("⑥"))
        #expect(outcomes.allSatisfy { $0.succeeded })
        // A new authorization server that never heard of the stored client: registered again, without any token
        // request but the real one (no probing grant).
        let tokenRequests = Count()
        let fresh = try await Demo.start(configureRealm: {
            $0.add(middleware: RequestCounter(path: "/protocol/openid-connect/token", count: tokenRequests))
        })
        let registration = try #require(store.registration(issuer: demo.realmURL + "/realms/mcp-realm"))
        try store.save(
            OAuthClientStore.Registration(
                issuer: fresh.realmURL + "/realms/mcp-realm", clientID: registration.clientID, clientSecret: nil,
                redirectURI: registration.redirectURI))
        let fourth = Transcript()
        _ = try await withHTTP {
            try await fresh.client("mcp-admin", "admin123", store: store, http: $0, transcript: fourth).run()
        }
        await fresh.stop()
        #expect(fourth.text.contains("no longer knows the stored client \(registration.clientID) (Client not found.)"))
        #expect(fourth.text.contains("⑤ registered (RFC 7591)"))
        #expect(tokenRequests.total == 1)
    }

    @Test("a state that does not come back unchanged stops the flow")
    func stateMismatch() async throws {
        let demo = try await Demo.start(configureRealm: {
            $0.add(middleware: RedirectRewriter { $0.replacingOccurrences(of: "state=", with: "state=forged") })
        })
        await #expect(throws: OAuthFlowError.stateMismatch) {
            try await withHTTP {
                _ = try await demo.client(
                    "mcp-admin", "admin123", store: freshStore(), http: $0, transcript: Transcript()
                ).run()
            }
        }
        await demo.stop()
    }

    @Test("a redirect carrying an error stops the flow with that error")
    func redirectWithError() async throws {
        let demo = try await Demo.start(configureRealm: {
            $0.add(
                middleware: RedirectRewriter {
                    $0.replacingOccurrences(of: "code=", with: "error=access_denied&error_description=denied&was=")
                })
        })
        await #expect(throws: OAuthFlowError.authorizationRefused("access_denied: denied")) {
            try await withHTTP {
                _ = try await demo.client(
                    "mcp-admin", "admin123", store: freshStore(), http: $0, transcript: Transcript()
                ).run()
            }
        }
        await demo.stop()
    }

    @Test("authorization server metadata whose issuer is not the one asked for is refused")
    func issuerMismatch() async throws {
        // its metadata says http://localhost:…, the resource names http://127.0.0.1:…
        let demo = try await Demo.start(realmHost: "localhost")
        await #expect(throws: AuthorizationServerDiscovery.Failure.self) {
            try await withHTTP {
                _ = try await demo.client(
                    "mcp-admin", "admin123", store: freshStore(), http: $0, transcript: Transcript()
                ).run()
            }
        }
        await demo.stop()
    }

    @Test("resource metadata for another resource than the server called is refused (RFC 9728 §3.3)")
    func resourceMismatch() async throws {
        // called as 127.0.0.1, it describes itself as localhost
        let demo = try await Demo.start(publicMCPURL: { "http://localhost:\($0)" })
        let expected = OAuthFlowError.resourceMismatch(
            expected: demo.mcpURL, got: demo.mcpURL.replacingOccurrences(of: "127.0.0.1", with: "localhost"))
        await #expect(throws: expected) {
            try await withHTTP {
                _ = try await demo.client(
                    "mcp-admin", "admin123", store: freshStore(), http: $0, transcript: Transcript()
                ).run()
            }
        }
        await demo.stop()
    }

    @Test("without resource_metadata in the challenge, the well-known URLs are tried: path-scoped, then root")
    func wellKnownFallback() {
        #expect(
            MCPOAuthClient.wellKnownResourceMetadataURLs(for: "http://localhost:9000/mcp").map(\.url)
                == [
                    "http://localhost:9000/.well-known/oauth-protected-resource/mcp",
                    "http://localhost:9000/.well-known/oauth-protected-resource",
                ])
    }
}
