/// Step 9: the attacks of the OAuth 2.1 / RFC 9700 list, each played as a request sequence, then what was refused and
/// what was revoked.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Shared
@testable import step9

let userinfoPath = realmPath + "/protocol/openid-connect/userinfo"

/// A refresh-token request for mcp-test-client.
func refresh(_ client: some TestClientProtocol, _ token: String) async throws -> TestResponse {
    try await client.postForm(
        tokenPath, ["grant_type": "refresh_token", "refresh_token": token, "client_id": "mcp-test-client"])
}

/// `GET userinfo` with `token` as a bearer token.
func userinfo(_ client: some TestClientProtocol, _ token: String) async throws -> TestResponse {
    try await client.execute(uri: userinfoPath, method: .get, headers: [.authorization: "Bearer \(token)"])
}

/// The code flow through login and exchange for mcp-user; the token response.
func codeFlowTokens(
    _ client: some TestClientProtocol, pkce: PKCEVerifier = PKCEVerifier()
) async throws -> (
    code: String, tokens: TestResponse
) {
    let code = try #require(try await login(client, pkce: pkce).redirectParameters["code"])
    return (code, try await exchange(client, code: code, verifier: pkce.verifier))
}

extension RealmClient {
    /// A registered public client named `id`, for the state's bounds.
    init(registered id: String) {
        self.init(
            clientID: id, name: nil, isPublic: true, secret: nil, redirectURIs: ["http://127.0.0.1/cb"],
            grantTypes: ["authorization_code"], defaultScopes: [], optionalScopes: [])
    }
}

/// The authorization URL of mcp-test-client with PKCE, to `callback`, with `extra` parameters.
func loginFormURI(_ extra: [String: String]) -> String {
    let query = [
        "response_type": "code", "client_id": "mcp-test-client", "redirect_uri": callback,
        "code_challenge": PKCEVerifier().challenge, "code_challenge_method": "S256",
    ].merging(extra) { $1 }
    return authPath + "?" + FormFields.encode(query.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
}

// MARK: Tests

@Suite("Step 9 — what the realm server refuses (RFC 9700)")
struct Step9HardeningTests {
    @Test("a rotated refresh token used again revokes its whole family: the newer refresh token and the access tokens")
    func refreshTokenReuse() async throws {
        let logs = LogLines()
        try await step9App(logs: logs).test(.router) { client in
            let (_, tokens) = try await codeFlowTokens(client)
            let rt1 = try #require(try tokens.json()["refresh_token"]?.stringValue)
            let rotated = try await refresh(client, rt1)
            let rt2 = try #require(try rotated.json()["refresh_token"]?.stringValue)
            let access2 = try #require(try rotated.json()["access_token"]?.stringValue)
            #expect(try await userinfo(client, access2).status == .ok)
            // The thief (or the client) presents rt1 again: the server cannot tell which one holds rt2, so both lose.
            let reused = try await refresh(client, rt1)
            #expect(try reused.json()["error"] == "invalid_grant")
            #expect(try await refresh(client, rt2).json()["error"] == "invalid_grant")
            let revoked = try await userinfo(client, access2)
            #expect(revoked.status == .unauthorized)
            #expect(revoked.detail == "Token revoked: its session was ended")
        }
        let warning = try #require(logs.lines.withLock { $0 }.first { $0.contains("refresh token used twice") })
        #expect(warning.contains("client=mcp-test-client user=mcp-user"))
    }

    @Test("a session ends at its absolute lifetime (ssoSessionMaxLifespan), however often it is refreshed")
    func sessionMaxLifespan() async throws {
        let clock = TestClock()
        try await step9App(clock).test(.router) { client in
            var token = try #require(
                try await passwordGrant(client, "mcp-user", "user123").json()["refresh_token"]?.stringValue)
            // 10 h by default; each refresh within the 30 min idle timeout, 21 times 29 min: past 10 h.
            var refusedAfter: Int?
            for round in 1...21 {
                clock.advance(by: 29 * 60)
                let response = try await refresh(client, token)
                guard let next = try response.json()["refresh_token"]?.stringValue else {
                    refusedAfter = round
                    break
                }
                let expiresIn = try #require(try response.json()["refresh_expires_in"]?.intValue)
                #expect(expiresIn <= 1800)
                token = next
            }
            #expect(refusedAfter != nil)
            #expect((refusedAfter ?? 0) * 29 * 60 >= 36000 - 1800)
        }
    }

    @Test("a code used twice is refused, and the tokens its first use issued are revoked (RFC 6749 §4.1.2)")
    func codeReplay() async throws {
        try await step9App().test(.router) { client in
            let pkce = PKCEVerifier()
            let (code, tokens) = try await codeFlowTokens(client, pkce: pkce)
            let access = try #require(try tokens.json()["access_token"]?.stringValue)
            let refreshToken = try #require(try tokens.json()["refresh_token"]?.stringValue)
            #expect(try await userinfo(client, access).status == .ok)
            let replayed = try await exchange(client, code: code, verifier: pkce.verifier)
            #expect(try replayed.json()["error"] == "invalid_grant")
            #expect(try await userinfo(client, access).status == .unauthorized)
            #expect(try await refresh(client, refreshToken).json()["error"] == "invalid_grant")
        }
    }

    @Test("PKCE is required of every client: a confidential client without a code_challenge gets no code")
    func pkceForConfidentialClients() async throws {
        try await step9App().test(.router) { client in
            let registered = try await client.postJSON(
                registrationPath,
                #"{"redirect_uris":["https://localhost/cb"],"token_endpoint_auth_method":"client_secret_post"}"#)
            let clientID = try #require(try registered.json()["client_id"]?.stringValue)
            let refused = try await login(client, clientID: clientID, redirectURI: "https://localhost/cb", pkce: nil)
            #expect(refused.status == .found)
            #expect(refused.redirectParameters["error"] == "invalid_request")
            #expect(refused.redirectParameters["code"] == nil)
        }
    }

    @Test("a wrong code_verifier, or none, is refused, and the code is spent")
    func wrongVerifier() async throws {
        try await step9App().test(.router) { client in
            let code = try #require(try await login(client).redirectParameters["code"])
            let random = try await exchange(client, code: code, verifier: PKCEVerifier().verifier)
            #expect(try random.json()["error"] == "invalid_grant")
            let code2 = try #require(try await login(client).redirectParameters["code"])
            #expect(try await exchange(client, code: code2, verifier: nil).json()["error"] == "invalid_grant")
        }
    }

    @Test("userinfo takes access tokens only: an ID token is refused")
    func userinfoAccessTokensOnly() async throws {
        try await step9App().test(.router) { client in
            let tokens = try await passwordGrant(client, "mcp-user", "user123")
            let access = try #require(try tokens.json()["access_token"]?.stringValue)
            let id = try #require(try tokens.json()["id_token"]?.stringValue)
            #expect(try await userinfo(client, access).status == .ok)
            let refused = try await userinfo(client, id)
            #expect(refused.status == .unauthorized)
            #expect(refused.detail == "Not an access token")
        }
    }

    @Test("a code from an authorization request without redirect_uri is exchanged without one (RFC 6749 §4.1.3)")
    func redirectURIOmitted() async throws {
        try await step9App().test(.router) { client in
            let registered = try await client.postJSON(
                registrationPath, #"{"redirect_uris":["\#(callback)"],"token_endpoint_auth_method":"none"}"#)
            let clientID = try #require(try registered.json()["client_id"]?.stringValue)
            let pkce = PKCEVerifier()
            var query = [
                "response_type=code", "client_id=\(clientID)", "code_challenge=\(pkce.challenge)",
                "code_challenge_method=S256", "state=s",
            ]
            let form = try await client.execute(uri: authPath + "?" + query.joined(separator: "&"), method: .get)
            let requestID = try #require(form.loginRequestID)
            let redirect = try await client.postForm(
                authPath, ["request_id": requestID, "username": "mcp-user", "password": "user123"])
            let code = try #require(redirect.redirectParameters["code"])
            let exchanged = try await client.postForm(
                tokenPath,
                [
                    "grant_type": "authorization_code", "code": code, "client_id": clientID,
                    "code_verifier": pkce.verifier,
                ])
            #expect(exchanged.status == .ok)
            // Named at the authorization endpoint, it must be named again, the same.
            query.append("redirect_uri=\(callback.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
            let form2 = try await client.execute(uri: authPath + "?" + query.joined(separator: "&"), method: .get)
            let redirect2 = try await client.postForm(
                authPath,
                ["request_id": try #require(form2.loginRequestID), "username": "mcp-user", "password": "user123"])
            let code2 = try #require(redirect2.redirectParameters["code"])
            let withoutIt = try await client.postForm(
                tokenPath,
                [
                    "grant_type": "authorization_code", "code": code2, "client_id": clientID,
                    "code_verifier": pkce.verifier,
                ])
            #expect(try withoutIt.json()["error"] == "invalid_grant")
        }
    }

    @Test("invalid_client after HTTP Basic carries a Basic challenge (RFC 6749 §5.2); in the form, none")
    func invalidClientChallenge() async throws {
        try await step9App().test(.router) { client in
            let basic = Data("echo-mcp-server:wrong".utf8).base64EncodedString()
            let viaBasic = try await client.postForm(
                tokenPath, ["grant_type": "client_credentials"], headers: [.authorization: "Basic \(basic)"])
            #expect(viaBasic.status == .unauthorized)
            #expect(viaBasic.headers[.wwwAuthenticate] == #"Basic realm="mcp-realm""#)
            let viaForm = try await client.postForm(
                tokenPath,
                ["grant_type": "client_credentials", "client_id": "echo-mcp-server", "client_secret": "wrong"])
            #expect(viaForm.status == .unauthorized)
            #expect(viaForm.headers[.wwwAuthenticate] == nil)
        }
    }

    @Test("the token endpoint takes a form, and registration JSON, nothing else (RFC 6749 §3.2, RFC 7591 §3.1)")
    func contentTypes() async throws {
        try await step9App().test(.router) { client in
            let json = try await client.execute(
                uri: tokenPath, method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"grant_type":"password","client_id":"mcp-test-client"}"#))
            #expect(json.status == .badRequest)
            #expect(try json.json()["error"] == "invalid_request")
            let missing = try await client.execute(
                uri: tokenPath, method: .post, body: ByteBuffer(string: "grant_type=password&client_id=mcp-test-client")
            )
            #expect(try missing.json()["error"] == "invalid_request")
            let form = try await client.execute(
                uri: registrationPath, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "redirect_uris=http://127.0.0.1/cb"))
            #expect(form.status == .badRequest)
            #expect(try form.json()["error"] == "invalid_client_metadata")
        }
    }

    @Test("a loopback redirect URI matches any port (RFC 8252 §7.3); a localhost name, another path, or https do not")
    func loopbackAnyPort() {
        #expect(RealmServer.redirectURI("http://127.0.0.1:53123/callback", matches: "http://127.0.0.1/callback"))
        #expect(RealmServer.redirectURI("http://127.0.0.1:1/callback", matches: "http://127.0.0.1:8765/callback"))
        #expect(RealmServer.redirectURI("http://[::1]:4000/cb", matches: "http://[::1]/cb"))
        #expect(!RealmServer.redirectURI("http://127.0.0.1:53123/other", matches: "http://127.0.0.1/callback"))
        #expect(!RealmServer.redirectURI("http://localhost:53123/callback", matches: "http://localhost/callback"))
        #expect(!RealmServer.redirectURI("https://127.0.0.1:53123/callback", matches: "https://127.0.0.1/callback"))
        #expect(!RealmServer.redirectURI("http://127.0.0.1:53123/callback?x=1", matches: "http://127.0.0.1/callback"))
    }

    @Test("a failed login logs a username only when the realm knows it: a password typed as a username is not logged")
    func loginLogHygiene() async throws {
        let logs = LogLines()
        try await step9App(logs: logs).test(.router) { client in
            _ = try await login(client, username: "hunter2-my-password", password: "x")
            _ = try await login(client, username: "mcp-user", password: "wrong")
        }
        let lines = logs.all
        #expect(!lines.contains("hunter2"))
        #expect(lines.contains("login refused for an unknown user"))
        #expect(lines.contains("login refused for mcp-user"))
    }

    @Test(
        "a resource the realm does not know gets invalid_target (RFC 8707 §2); its own and loopback MCP endpoints pass")
    func unknownResource() async throws {
        try await step9App().test(.router) { client in
            for resource in ["https://evil.example/mcp", "http://localhost:9000/other", "http://10.0.0.1:9000/mcp"] {
                let refused = try await passwordGrant(client, "mcp-user", "user123", extra: ["resource": resource])
                #expect(try refused.json()["error"] == "invalid_target")
            }
            for resource in ["http://localhost:9000/mcp", "http://127.0.0.1:29000/mcp", "http://localhost:9090/mcp"] {
                let granted = try await passwordGrant(client, "mcp-user", "user123", extra: ["resource": resource])
                #expect(claims(try granted.json()["access_token"]?.stringValue)["aud"] == .string(resource))
            }
            let authorization = try await login(client, extra: ["state": "s", "resource": "https://evil.example/mcp"])
            #expect(authorization.redirectParameters["error"] == "invalid_target")
        }
    }

    @Test("failed passwords are throttled per user and client: after 5, even the right one waits; unknown users alike")
    func passwordThrottling() async throws {
        let clock = TestClock()
        try await step9App(clock).test(.router) { client in
            for _ in 1...5 {
                #expect(try await passwordGrant(client, "mcp-user", "wrong").json()["error"] == "invalid_grant")
            }
            // The sixth attempt, with the right password, is refused the same way while the wait lasts.
            let throttled = try await passwordGrant(client, "mcp-user", "user123")
            #expect(try throttled.json()["error"] == "invalid_grant")
            #expect(try throttled.json()["error_description"] == "Invalid user credentials")
            // Another user, or the same user through another client, is not held up.
            #expect(try await passwordGrant(client, "mcp-admin", "admin123").status == .ok)
            clock.advance(by: 5)
            #expect(try await passwordGrant(client, "mcp-user", "user123").status == .ok)
            // A name the realm does not know is throttled the same way, so the answers do not tell who exists.
            for _ in 1...6 {
                #expect(
                    try await passwordGrant(client, "nobody", "x").json()["error_description"]
                        == "Invalid user credentials")
            }
        }
    }

    @Test("the login form is throttled too, and keeps the typed username after a failure")
    func loginThrottling() async throws {
        try await step9App().test(.router) { client in
            for _ in 1...5 { _ = try await login(client, password: "wrong") }
            let throttled = try await login(client)
            #expect(throttled.status == .unauthorized)
            #expect(String(buffer: throttled.body).contains("Invalid username or password."))
            #expect(String(buffer: throttled.body).contains(#"name="username" value="mcp-user""#))
        }
    }

    @Test("the consent page shows the client, its redirect host, each scope with its description and the resource")
    func consentPage() async throws {
        try await step9App().test(.router) { client in
            let uri = loginFormURI(["scope": "mcp:tools", "state": "s", "resource": "http://localhost:9000/mcp"])
            let page = String(buffer: try await client.execute(uri: uri, method: .get).body)
            #expect(page.contains(#"<meta name="viewport""#))
            #expect(page.contains("<code>127.0.0.1</code>"))
            #expect(page.contains("<code>mcp:tools</code>: "))
            #expect(page.contains("<code>http://localhost:9000/mcp</code>"))
            #expect(page.contains(#"value="deny""#))
        }
    }

    @Test("Deny redirects back with error=access_denied, the state and iss, and no code")
    func deny() async throws {
        try await step9App().test(.router) { client in
            let form = try await client.execute(uri: loginFormURI(["state": "s-deny"]), method: .get)
            let denied = try await client.postForm(
                authPath, ["request_id": try #require(form.loginRequestID), "action": "deny"])
            #expect(denied.status == .found)
            #expect(denied.redirectParameters["error"] == "access_denied")
            #expect(denied.redirectParameters["state"] == "s-deny")
            #expect(denied.redirectParameters["iss"] == "http://localhost:8080/realms/mcp-realm")
            #expect(denied.redirectParameters["code"] == nil)
        }
    }

    @Test("oversized registrations and authorization requests are refused, and kept nowhere")
    func oversizedInput() async throws {
        try await step9App().test(.router) { client in
            let name = String(repeating: "n", count: 30_000)
            let big = try await client.postJSON(
                registrationPath,
                #"{"client_name":"\#(name)","redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none"}"#
            )
            #expect(big.status == .badRequest)
            #expect(try big.json()["error"] == "invalid_client_metadata")
            let state = String(repeating: "s", count: 6000)
            let refused = try await login(client, extra: ["state": state])
            #expect(refused.redirectParameters["error"] == "invalid_request")
        }
    }

    @Test("registrations are capped and expire; the oldest makes room; the realm file's clients are never pushed out")
    func boundedRegistrations() async throws {
        let clock = TestClock()
        let state = RealmState(now: { clock.now })
        let first = RealmClient(registered: "first")
        await state.register(first)
        clock.advance(by: 1)
        for index in 1..<RealmState.maximumRegistered { await state.register(RealmClient(registered: "c\(index)")) }
        #expect(await state.registeredClient("first") != nil)
        await state.register(RealmClient(registered: "one-more"))
        #expect(await state.registeredClient("first") == nil)
        #expect(await state.registeredClient("one-more") != nil)
        clock.advance(by: RealmState.registrationLifetime + 1)
        #expect(await state.registeredClient("one-more") == nil)
        try await step9App().test(.router) { client in
            // mcp-test-client, of the realm file, is still there
            let granted = try await passwordGrant(client, "mcp-user", "user123")
            #expect(granted.status == .ok)
        }
    }

    @Test("pending authorizations are capped: the oldest makes room, and each expires after 10 minutes")
    func boundedPendingAuthorizations() async throws {
        let clock = TestClock()
        let state = RealmState(now: { clock.now })
        func pending() -> RealmState.PendingAuthorization {
            RealmState.PendingAuthorization(
                client: RealmClient(registered: "c"), redirectURI: "http://127.0.0.1/cb", redirectURIGiven: true,
                scope: [],
                state: nil, nonce: nil, codeChallenge: nil, resource: nil, expiresAt: clock.now.addingTimeInterval(600))
        }
        let first = await state.remember(pending())
        clock.advance(by: 1)
        for _ in 1..<RealmState.maximumPending { _ = await state.remember(pending()) }
        #expect(await state.pendingAuthorization(first) != nil)
        let last = await state.remember(pending())
        #expect(await state.pendingAuthorization(first) == nil)
        clock.advance(by: 601)
        #expect(await state.pendingAuthorization(last) == nil)
    }

    @Test("MCP Inspector registers with its two redirect URIs and signs in through the first, from its own origin")
    func mcpInspector() async throws {
        try await step9App().test(.router) { client in
            let inspector = "http://localhost:6274/oauth/callback"
            let registered = try await client.postJSON(
                registrationPath,
                #"{"redirect_uris":["\#(inspector)","\#(inspector)/debug"],"token_endpoint_auth_method":"none","#
                    + #""grant_types":["authorization_code","refresh_token"],"response_types":["code"],"#
                    + #""client_name":"MCP Inspector","client_uri":"https://github.com/modelcontextprotocol/inspector","#
                    + #""scope":"mcp:read mcp:tools mcp:prompts"}"#)
            #expect(registered.status == .created)
            let clientID = try #require(try registered.json()["client_id"]?.stringValue)
            let pkce = PKCEVerifier()
            let code = try #require(
                try await login(
                    client, clientID: clientID, redirectURI: inspector, pkce: pkce, username: "mcp-admin",
                    password: "admin123"
                ).redirectParameters["code"])
            let tokens = try await client.execute(
                uri: tokenPath, method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .origin: "http://localhost:6274"],
                body: ByteBuffer(
                    string: FormFields.encode([
                        ("grant_type", "authorization_code"), ("code", code), ("client_id", clientID),
                        ("redirect_uri", inspector),
                        ("code_verifier", pkce.verifier),
                    ])))
            #expect(tokens.status == .ok)
            #expect(tokens.headers[.accessControlAllowOrigin] == "http://localhost:6274")
        }
    }
}
