/// Step 10: the server trusting the realm server — access per user, key rotation, the server going down and coming back.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MCP
import ServiceLifecycle
import Shared
import SharedRemote
import TestSupport
import Testing

@testable import step10

/// The realm server running for real on `port`, signing with `key`.
func startRealm(port: Int, key: RealmSigningKey? = nil) async throws -> (BackgroundServer, RealmServer) {
    let realmServer = try await RealmServer(
        realm: RealmFixture.realm(), baseURL: "http://127.0.0.1:\(port)", signingKey: key)
    let router = Router()
    realmServer.addRoutes(to: router)
    return (try await BackgroundServer.start(router, port: port), realmServer)
}

/// Step 10's configuration for a realm server on `port`.
func configuration(realmPort: Int) async throws -> KeycloakConfiguration {
    try await KeycloakConfiguration.load(
        envFile: "/nonexistent.env",
        environment: ["KEYCLOAK_URL": "http://127.0.0.1:\(realmPort)", "MCP_SERVER_URL": "http://localhost:9000"]
    ).configuration
}

/// Step 10's key set for `configuration`, on `clock`.
func keySet(
    _ configuration: KeycloakConfiguration, clock: TestClock = TestClock(), retry: TimeInterval = 5
) -> RemoteKeySet {
    RemoteKeySet(
        issuer: configuration.issuer, retryInterval: retry, maxRetryInterval: retry, logger: Logger(label: "test"),
        now: { clock.now })
}

func step10App(
    _ configuration: KeycloakConfiguration, keys: RemoteKeySet, services: [any Service] = []
) throws -> some ApplicationProtocol {
    Application(
        router: makeRouter(
            try ServerOptions.parse([]), config: configuration, keys: keys),
        services: services)
}

func withBearer(_ token: String) -> HTTPFields {
    HTTPFields.mcpPost.with(.authorization, "Bearer \(token)")
}

extension MCPCall {
    /// Design §5 for step 10 (the Keycloak posts): the scope a call needs.
    var keycloakScope: String {
        switch self {
        case .initialize, .ping: "mcp:read"
        case .toolsList, .toolsCall: "mcp:tools"
        case .promptsList, .promptsGet: "mcp:prompts"
        }
    }
}

// MARK: Tests

@Suite("Step 10", .serialized)
struct Step10Tests {
    @Test(
        "each realm user gets exactly the access of the Keycloak posts",
        arguments: [
            ("mcp-admin", "admin123", ["mcp:read", "mcp:tools", "mcp:prompts"]),
            ("mcp-user", "user123", ["mcp:read", "mcp:tools"]),
            ("mcp-readonly", "readonly123", ["mcp:read"]),
        ])
    func accessPerUser(username: String, password: String, scopes: [String]) async throws {
        let port = try BackgroundServer.freePort()
        let (realm, _) = try await startRealm(port: port)
        defer { Task { await realm.stop() } }
        let configuration = try await configuration(realmPort: port)
        let keys = keySet(configuration)
        await keys.refresh()
        let token = try await RealmHTTP.token(
            baseURL: "http://127.0.0.1:\(port)", username: username, password: password)
        try await step10App(configuration, keys: keys).test(.router) { client in
            for call in MCPCall.allCases {
                let response = try await client.postMCP(call.body, headers: withBearer(token))
                if scopes.contains(call.keycloakScope) {
                    #expect(response.status == .ok, "\(username) \(call)")
                } else {
                    #expect(response.status == .forbidden, "\(username) \(call)")
                    #expect(response.headers[.wwwAuthenticate]?.contains(#"scope="\#(call.keycloakScope)""#) == true)
                }
            }
            let noToken = try await client.postMCP(RPC.ping)
            #expect(
                noToken.headers[values: .wwwAuthenticate] == [
                    #"Bearer realm="mcp-server", resource_metadata="http://localhost:9000/.well-known/oauth-protected-resource/mcp""#,
                    #"DPoP algs="ES256 RS256", resource_metadata="http://localhost:9000/.well-known/oauth-protected-resource/mcp""#,
                ])
        }
        await realm.stop()
    }

    @Test(
        "with warm keys the request path asks the authorization server nothing: 200 requests, 0 JWKS fetches, 0 realm requests"
    )
    func noNetworkOnTheRequestPath() async throws {
        let port = try BackgroundServer.freePort()
        let (realm, _) = try await startRealm(port: port)
        defer { Task { await realm.stop() } }
        let configuration = try await configuration(realmPort: port)
        let keys = keySet(configuration)
        await keys.refresh()
        let token = try await RealmHTTP.token(
            baseURL: "http://127.0.0.1:\(port)", username: "mcp-admin", password: "admin123")
        let fetchesBefore = await keys.jwksFetches
        await realm.stop()  // from here on, any request to the authorization server would fail
        try await step10App(configuration, keys: keys).test(.router) { client in
            for index in 0..<200 {
                let response = try await client.postMCP(
                    index.isMultiple(of: 2) ? RPC.ping : MCPCall.toolsCall.body, headers: withBearer(token))
                #expect(response.status == .ok)
            }
        }
        #expect(await keys.jwksFetches == fetchesBefore)
        #expect(await keys.status().lastError == nil)
    }

    @Test(
        "key rotation: the first token with the new kid passes after one refetch; a flood of unknown kids fetches at most once per 30 s"
    )
    func keyRotation() async throws {
        let port = try BackgroundServer.freePort()
        let clock = TestClock()
        var (realm, _) = try await startRealm(port: port)
        let configuration = try await configuration(realmPort: port)
        let keys = keySet(configuration, clock: clock)
        await keys.refresh()
        #expect(await keys.jwksFetches == 1)
        await realm.stop()
        (realm, _) = try await startRealm(port: port, key: try RealmSigningKey())
        let token = try await RealmHTTP.token(
            baseURL: "http://127.0.0.1:\(port)", username: "mcp-user", password: "user123")
        try await step10App(configuration, keys: keys).test(.router) { client in
            #expect(try await client.postMCP(RPC.ping, headers: withBearer(token)).status == .ok)
            #expect(await keys.jwksFetches == 2)
            for _ in 0..<20 {
                let forged = try await ForgedToken.signedWithAnotherKey(
                    kid: UUID().uuidString, issuer: configuration.issuer)
                #expect(try await client.postMCP(RPC.ping, headers: withBearer(forged)).status == .unauthorized)
            }
            #expect(await keys.jwksFetches == 2)  // within 30 s of the rotation's refetch: none more
            clock.advance(by: 31)
            let forged = try await ForgedToken.signedWithAnotherKey(kid: "yet-another", issuer: configuration.issuer)
            #expect(try await client.postMCP(RPC.ping, headers: withBearer(forged)).status == .unauthorized)
            #expect(await keys.jwksFetches == 3)
        }
        await realm.stop()
    }

    @Test("the authorization server going down after warm-up: requests are still verified, /health says stale")
    func serverDownAfterWarmUp() async throws {
        let port = try BackgroundServer.freePort()
        let (realm, _) = try await startRealm(port: port)
        let configuration = try await configuration(realmPort: port)
        let keys = keySet(configuration)
        await keys.refresh()
        let token = try await RealmHTTP.token(
            baseURL: "http://127.0.0.1:\(port)", username: "mcp-user", password: "user123")
        await realm.stop()
        await keys.refresh()
        try await step10App(configuration, keys: keys).test(.router) { client in
            #expect(try await client.postMCP(RPC.echo("still here"), headers: withBearer(token)).status == .ok)
            let health = try await client.get("/health").json()
            #expect(health["keycloak_integration"]?["keys"]?["state"] == "stale")
            #expect(health["keycloak_integration"]?["keys"]?["last_error"] != nil)
        }
    }

    @Test("the authorization server down from the start: 503 with a reason, then recovery when it comes up")
    func serverDownFromTheStart() async throws {
        let port = try BackgroundServer.freePort()
        let configuration = try await configuration(realmPort: port)
        let keys = keySet(configuration, retry: 0.2)
        try await step10App(configuration, keys: keys, services: [keys]).test(.router) { client in
            let early = try await client.postMCP(
                RPC.ping, headers: withBearer("eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.e30.c2ln"))
            #expect(early.status == .serviceUnavailable)
            #expect(
                early.detail?.hasPrefix("No signing keys from http://127.0.0.1:\(port)/realms/mcp-realm yet") == true)
            #expect(try await client.get("/health").json()["keycloak_integration"]?["keys"]?["state"] == "unavailable")
            let (realm, _) = try await startRealm(port: port)
            let token = try await RealmHTTP.token(
                baseURL: "http://127.0.0.1:\(port)", username: "mcp-admin", password: "admin123")
            var status = HTTPResponse.Status.serviceUnavailable
            for _ in 0..<50 where status == .serviceUnavailable {
                try await Task.sleep(for: .milliseconds(100))
                status = try await client.postMCP(RPC.ping, headers: withBearer(token)).status
            }
            #expect(status == .ok)
            await realm.stop()
        }
    }

    @Test("a validly signed token from another issuer is refused; an RFC 8707 token for this resource is accepted")
    func issuersAndResources() async throws {
        let port = try BackgroundServer.freePort()
        let key = try RealmSigningKey()
        let (realm, _) = try await startRealm(port: port, key: key)
        let configuration = try await configuration(realmPort: port)
        let keys = keySet(configuration)
        await keys.refresh()
        // The same key, another issuer: the signature is valid, the issuer is not.
        let impostor = try await RealmServer(
            realm: RealmFixture.realm(), baseURL: "http://evil.example", signingKey: key)
        let impostorRouter = Router()
        impostor.addRoutes(to: impostorRouter)
        let foreign = try await Application(router: impostorRouter).test(.router) { client in
            try await client.postForm(
                "/realms/mcp-realm/protocol/openid-connect/token",
                [
                    "grant_type": "password", "client_id": "mcp-test-client", "username": "mcp-admin",
                    "password": "admin123", "scope": "mcp:read",
                ]
            ).json()["access_token"]?.stringValue ?? ""
        }
        let resourceToken = try await RealmHTTP.token(
            baseURL: "http://127.0.0.1:\(port)", username: "mcp-user", password: "user123",
            resource: "http://localhost:9000/mcp")
        #expect(TokenFile(token: resourceToken).claims["aud"] == "http://localhost:9000/mcp")
        try await step10App(configuration, keys: keys).test(.router) { client in
            let refused = try await client.postMCP(RPC.ping, headers: withBearer(foreign))
            #expect(refused.status == .unauthorized)
            #expect(refused.detail == "Invalid issuer")
            #expect(try await client.postMCP(RPC.echo("aud"), headers: withBearer(resourceToken)).status == .ok)
        }
        await realm.stop()
    }

    @Test(
        "configuration: flags, then the environment, then the env file, then defaults; a malformed value names its variable"
    )
    func configurationOrder() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("step10-\(UUID().uuidString).env")
        defer { try? FileManager.default.removeItem(at: file) }
        try
            "KEYCLOAK_URL=http://kc.example:8080\nKEYCLOAK_REALM=from-file\nJWT_AUDIENCE=a, b\nALLOWED_ORIGINS=https://app.example\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let (loaded, notice) = try await KeycloakConfiguration.load(
            envFile: file.path, environment: ["KEYCLOAK_URL": "http://env.example:1", "KEYCLOAK_REALM": "other"])
        #expect(notice == nil)
        #expect(loaded.keycloakURL == "http://env.example:1")  // the environment beats the file (load_dotenv)
        #expect(loaded.realm == "other")
        #expect(loaded.issuer == "http://env.example:1/realms/other")
        #expect(loaded.audiences == ["a", "b", "http://localhost:9000/mcp"])  // the file fills in the rest
        #expect(loaded.allowedOrigins == ["https://app.example"])
        let (flagged, _) = try await KeycloakConfiguration.load(
            envFile: file.path,
            flags: ["KEYCLOAK_URL": "http://flag.example:2", "MCP_SERVER_URL": "http://public.example"],
            environment: ["KEYCLOAK_URL": "http://env.example:1"])
        #expect(flagged.keycloakURL == "http://flag.example:2")
        #expect(flagged.resource == "http://public.example/mcp")
        let (defaults, missing) = try await KeycloakConfiguration.load(
            envFile: "/nonexistent.env", listenPort: 29000, environment: [:])
        #expect(missing == "No env file at /nonexistent.env; using the environment and defaults.")
        #expect(defaults.issuer == "http://localhost:8080/realms/mcp-realm")
        #expect(defaults.resource == "http://localhost:29000/mcp")  // MCP_SERVER_URL follows the port it listens on
        await #expect(throws: InputFileError.self) {
            _ = try await KeycloakConfiguration.load(envFile: "/nonexistent.env", required: true, environment: [:])
        }
        await #expect(throws: KeycloakConfiguration.InvalidValue.self) {
            _ = try await KeycloakConfiguration.load(
                envFile: "/nonexistent.env", environment: ["MCP_SERVER_URL": "localhost:9000"])
        }
        do {
            _ = try await KeycloakConfiguration.load(
                envFile: "/nonexistent.env", environment: ["JWKS_CACHE_SECONDS": "soon"])
        } catch {
            #expect("\(error)" == "JWKS_CACHE_SECONDS must be a positive number of seconds, got 'soon'")
        }
    }
}

@Suite("Step 10: MCP_EVENT_STREAM")
struct Step10EventStreamTests {
    @Test("MCP_EVENT_STREAM=true: a client that accepts an event stream gets one message event; the others get JSON")
    func eventStream() async throws {
        let port = try BackgroundServer.freePort()
        let (realm, _) = try await startRealm(port: port)
        defer { Task { await realm.stop() } }
        let configuration = try await KeycloakConfiguration.load(
            envFile: "/nonexistent.env",
            environment: [
                "KEYCLOAK_URL": "http://127.0.0.1:\(port)", "MCP_SERVER_URL": "http://localhost:9000",
                "MCP_EVENT_STREAM": "true",
            ]
        ).configuration
        #expect(configuration.eventStream)
        #expect(configuration.summary.hasSuffix("\nMCP_EVENT_STREAM=true"))
        let keys = keySet(configuration)
        await keys.refresh()
        let token = try await RealmHTTP.token(
            baseURL: "http://127.0.0.1:\(port)", username: "mcp-user", password: "user123")
        try await step10App(configuration, keys: keys).test(.router) { client in
            let streamed = try await client.postMCP(RPC.ping, headers: withBearer(token))
            #expect(streamed.status == .ok)
            #expect(streamed.headers[.contentType] == "text/event-stream")
            #expect(
                streamed.text
                    == "event: message\ndata: "
                    + #"{"jsonrpc":"2.0","id":1,"result":{"_meta":{"authenticated":true,"user":"mcp-user"}}}"#
                    + "\n\n")
            for accept in ["application/json", "*/*"] {
                let json = try await client.postMCP(
                    RPC.ping, headers: withBearer(token).with(.accept, accept))
                #expect(json.headers[.contentType] == "application/json", "\(accept)")
            }
            // Errors stay JSON: a refusal is an HTTP answer, not a message.
            let refused = try await client.postMCP(RPC.ping)
            #expect(refused.status == .unauthorized && refused.headers[.contentType] == "application/json")
        }
        await realm.stop()
    }

    @Test("MCP_EVENT_STREAM is false unless set; a value that is not true or false is an error naming it")
    func eventStreamSetting() async throws {
        let defaults = try await KeycloakConfiguration.load(envFile: "/nonexistent.env", environment: [:])
        #expect(!defaults.configuration.eventStream)
        await #expect(throws: (any Error).self) {
            try await KeycloakConfiguration.load(envFile: "/nonexistent.env", environment: ["MCP_EVENT_STREAM": "yes"])
        }
    }
}
