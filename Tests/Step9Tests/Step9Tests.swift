/// Step 9: the built-in realm server — discovery, every grant, every check, registration.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import Shared
import TestSupport
import Testing

@testable import step9

let realmPath = "/realms/mcp-realm"
let tokenPath = realmPath + "/protocol/openid-connect/token"
let authPath = realmPath + "/protocol/openid-connect/auth"
let registrationPath = realmPath + "/clients-registrations/openid-connect"
let callback = "http://127.0.0.1:8765/callback"
let fullScope = "openid profile email mcp:read mcp:tools mcp:prompts"

func step9App(_ clock: TestClock = TestClock(), logs: LogLines = LogLines()) async throws -> some ApplicationProtocol {
    Application(
        router: makeRouter(try ServerOptions.parse([]), realmServer: try await RealmFixture.server(clock: clock)),
        logger: logs.logger)
}

/// The claims of a JWT, undecoded and unverified (for assertions on shape).
func claims(_ token: String?) -> Value {
    TokenFile(token: token ?? "").claims
}

/// A password-grant token response for `username` through mcp-test-client.
func passwordGrant(
    _ client: some TestClientProtocol, _ username: String, _ password: String, scope: String = fullScope,
    extra: [String: String] = [:]
)
    async throws -> TestResponse
{
    try await client.postForm(
        tokenPath,
        [
            "grant_type": "password", "client_id": "mcp-test-client", "username": username, "password": password,
            "scope": scope,
        ].merging(extra) { $1 })
}

/// Runs the browser half of the code flow: GET the login form, POST the password. Returns the redirect.
func login(
    _ client: some TestClientProtocol, clientID: String = "mcp-test-client", redirectURI: String = callback,
    pkce: PKCEVerifier? = PKCEVerifier(),
    username: String = "mcp-user", password: String = "user123",
    extra: [String: String] = ["state": "xyz-state", "scope": fullScope]
) async throws -> TestResponse {
    var query = ["response_type": "code", "client_id": clientID, "redirect_uri": redirectURI]
    if let pkce { (query["code_challenge"], query["code_challenge_method"]) = (pkce.challenge, "S256") }
    query.merge(extra) { $1 }
    let uri =
        authPath + "?"
        + query.sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
    let form = try await client.execute(uri: uri, method: .get)
    guard let requestID = form.loginRequestID else { return form }
    return try await client.postForm(authPath, ["request_id": requestID, "username": username, "password": password])
}

/// Exchanges `code` at the token endpoint.
func exchange(
    _ client: some TestClientProtocol, code: String, verifier: String?, redirectURI: String = callback,
    clientID: String = "mcp-test-client"
)
    async throws -> TestResponse
{
    var form = ["grant_type": "authorization_code", "code": code, "client_id": clientID, "redirect_uri": redirectURI]
    form["code_verifier"] = verifier
    return try await client.postForm(tokenPath, form)
}

// MARK: Tests

@Suite("Step 9")
struct Step9Tests {
    @Test("discovery is served at the realm's URLs and the RFC 8414 / OIDC path-inserted ones")
    func discovery() async throws {
        try await step9App().test(.router) { client in
            for path in [
                "\(realmPath)/.well-known/openid-configuration", "\(realmPath)/.well-known/oauth-authorization-server",
                "/.well-known/oauth-authorization-server\(realmPath)", "/.well-known/openid-configuration\(realmPath)",
            ] {
                let metadata = try await client.get(path).json()
                #expect(metadata["issuer"] == "http://localhost:8080/realms/mcp-realm")
                #expect(metadata["code_challenge_methods_supported"] == ["S256"])
                #expect(metadata["authorization_response_iss_parameter_supported"] == true)
                #expect(
                    metadata["registration_endpoint"]
                        == "http://localhost:8080/realms/mcp-realm/clients-registrations/openid-connect")
            }
            let realm = try await client.get(realmPath).json()
            #expect(realm["realm"] == "mcp-realm")
            #expect(realm["public_key"]?.stringValue?.isEmpty == false)
            #expect(try await client.get("/realms/master").status == .ok)
            #expect(try await client.get("/realms/other/.well-known/openid-configuration").status == .notFound)
        }
    }

    @Test("JWKS publishes the signing key under its RFC 7638 thumbprint, and tokens carry that kid")
    func jwks() async throws {
        try await step9App().test(.router) { client in
            let keys = try await client.get(realmPath + "/protocol/openid-connect/certs").json()["keys"]
            let kid = try #require(keys?[0]?["kid"]?.stringValue)
            #expect(keys?[0]?["alg"] == "RS256")
            let token = try await passwordGrant(client, "mcp-user", "user123").json()["access_token"]?.stringValue
            #expect(TokenFile(token: token ?? "").header["kid"] == .string(kid))
        }
    }

    @Test(
        "a password grant asked for every scope carries exactly the mcp:* scopes the user's roles allow",
        arguments: [
            (
                "mcp-admin", "admin123", "openid profile email mcp:read mcp:tools mcp:prompts",
                ["prompts", "read-only", "tools"]
            ),
            ("mcp-user", "user123", "openid profile email mcp:read mcp:tools", ["read-only", "tools"]),
            ("mcp-readonly", "readonly123", "openid profile email mcp:read", ["read-only"]),
        ])
    func passwordGrantPerUser(username: String, password: String, scope: String, roles: [String]) async throws {
        try await step9App().test(.router) { client in
            let response = try await passwordGrant(client, username, password)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["token_type"] == "Bearer")
            #expect(body["scope"] == .string(scope))
            #expect(body["refresh_token"]?.stringValue != nil)
            #expect(body["id_token"]?.stringValue != nil)
            let token = claims(body["access_token"]?.stringValue)
            #expect(token["scope"] == .string(scope))
            #expect(token["iss"] == "http://localhost:8080/realms/mcp-realm")
            #expect(token["aud"] == "echo-mcp-server")
            #expect(token["azp"] == "mcp-test-client")
            #expect(token["typ"] == "Bearer")
            #expect(token["preferred_username"] == .string(username))
            #expect(token["resource_access"]?["echo-mcp-server"]?["roles"] == .array(roles.map { .string($0) }))
            #expect(token["realm_access"]?["roles"] == ["default-roles-mcp-realm"])
            for claim in ["sub", "sid", "jti", "iat", "exp"] { #expect(token[claim] != nil) }
            #expect((token["exp"]?.intValue ?? 0) - (token["iat"]?.intValue ?? 0) == 300)
        }
    }

    @Test(
        "bad password grants are refused with the OAuth error and no token",
        arguments: [
            (["username": "mcp-user", "password": "wrong"], "invalid_grant"),
            (["username": "nobody", "password": "user123"], "invalid_grant"),
            (["username": "mcp-user"], "invalid_request"),
            (["username": "mcp-user", "password": "user123", "scope": "mcp:admin"], "invalid_scope"),
            (
                [
                    "username": "mcp-user", "password": "user123", "client_id": "echo-mcp-server",
                    "client_secret": "echo-mcp-server-secret",
                ], "unauthorized_client"
            ),
            (
                [
                    "username": "mcp-user", "password": "user123", "client_id": "echo-mcp-server",
                    "client_secret": "wrong",
                ], "invalid_client"
            ),
            (["username": "mcp-user", "password": "user123", "client_id": "no-such-client"], "invalid_client"),
            (["username": "mcp-user", "password": "user123", "resource": "not a uri"], "invalid_target"),
        ])
    func badPasswordGrants(fields: [String: String], error: String) async throws {
        try await step9App().test(.router) { client in
            let form = ["grant_type": "password", "client_id": "mcp-test-client"].merging(fields) { $1 }
            let response = try await client.postForm(tokenPath, form)
            #expect(response.status == (error == "invalid_client" ? .unauthorized : .badRequest))
            #expect(try response.json()["error"] == .string(error))
            #expect(try response.json()["access_token"] == nil)
        }
    }

    @Test("a repeated parameter is refused (RFC 6749 §3.1), at the token and the authorization endpoint")
    func repeatedParameters() async throws {
        try await step9App().test(.router) { client in
            let form =
                "grant_type=password&client_id=mcp-test-client&username=mcp-user&password=user123&username=mcp-admin"
            let token = try await client.execute(
                uri: tokenPath, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: form))
            #expect(try token.json()["error"] == "invalid_request")
            let authorize = try await client.execute(
                uri: authPath + "?client_id=mcp-test-client&client_id=evil&response_type=code", method: .get)
            #expect(authorize.status == .badRequest)
            #expect(authorize.headers[.location] == nil)
        }
    }

    @Test("an RFC 8707 resource becomes the token's audience")
    func resourceIndicator() async throws {
        try await step9App().test(.router) { client in
            let response = try await passwordGrant(
                client, "mcp-user", "user123", extra: ["resource": "http://localhost:9000/mcp"])
            #expect(claims(try response.json()["access_token"]?.stringValue)["aud"] == "http://localhost:9000/mcp")
        }
    }

    @Test("client_credentials: the confidential client, by Basic or form secret; a wrong secret is 401")
    func clientCredentials() async throws {
        try await step9App().test(.router) { client in
            let basic = Data("echo-mcp-server:echo-mcp-server-secret".utf8).base64EncodedString()
            let viaBasic = try await client.postForm(
                tokenPath, ["grant_type": "client_credentials"], headers: [.authorization: "Basic \(basic)"])
            #expect(viaBasic.status == .ok)
            let token = claims(try viaBasic.json()["access_token"]?.stringValue)
            #expect(token["azp"] == "echo-mcp-server")
            #expect(token["preferred_username"] == "service-account-echo-mcp-server")
            #expect(try viaBasic.json()["refresh_token"] == nil)
            let viaForm = try await client.postForm(
                tokenPath,
                [
                    "grant_type": "client_credentials", "client_id": "echo-mcp-server",
                    "client_secret": "echo-mcp-server-secret",
                ])
            #expect(viaForm.status == .ok)
            let wrong = try await client.postForm(
                tokenPath,
                [
                    "grant_type": "client_credentials", "client_id": "echo-mcp-server",
                    "client_secret": "echo-mcp-server-secreT",
                ])
            #expect(wrong.status == .unauthorized)
            let publicClient = try await client.postForm(
                tokenPath, ["grant_type": "client_credentials", "client_id": "mcp-test-client"])
            #expect(try publicClient.json()["error"] == "unauthorized_client")
        }
    }

    @Test("authorization code + PKCE: the login form, the redirect with code, state and iss, then tokens")
    func authorizationCodeRoundTrip() async throws {
        try await step9App().test(.router) { client in
            let pkce = PKCEVerifier()
            let wrongPassword = try await login(client, pkce: pkce, password: "nope")
            #expect(wrongPassword.status == .unauthorized)
            #expect(String(buffer: wrongPassword.body).contains("Invalid username or password."))
            let redirect = try await login(
                client, pkce: pkce, extra: ["state": "xyz-state", "scope": fullScope, "nonce": "n-0S6"])
            #expect(redirect.status == .found)
            #expect(redirect.redirectTarget == callback)
            let parameters = redirect.redirectParameters
            #expect(parameters["state"] == "xyz-state")
            #expect(parameters["iss"] == "http://localhost:8080/realms/mcp-realm")
            let code = try #require(parameters["code"])
            let tokens = try await exchange(client, code: code, verifier: pkce.verifier)
            #expect(tokens.status == .ok)
            #expect(claims(try tokens.json()["access_token"]?.stringValue)["preferred_username"] == "mcp-user")
            #expect(try tokens.json()["scope"] == "openid profile email mcp:read mcp:tools")
            let idToken = claims(try tokens.json()["id_token"]?.stringValue)
            #expect(idToken["aud"] == "mcp-test-client")
            #expect(idToken["nonce"] == "n-0S6")
            let replay = try await exchange(client, code: code, verifier: pkce.verifier)
            #expect(try replay.json()["error"] == "invalid_grant")
        }
    }

    @Test("a wrong verifier, a missing one, or another redirect_uri is refused, and burns the code")
    func codeChecks() async throws {
        try await step9App().test(.router) { client in
            for (verifier, redirectURI) in [
                (PKCEVerifier().verifier, callback), (nil, callback), ("valid", "http://localhost:6274/oauth/callback"),
            ] {
                let pkce = PKCEVerifier()
                let code = try #require(try await login(client, pkce: pkce).redirectParameters["code"])
                let refused = try await exchange(
                    client, code: code, verifier: verifier == "valid" ? pkce.verifier : verifier,
                    redirectURI: redirectURI)
                #expect(try refused.json()["error"] == "invalid_grant")
                #expect(
                    try await exchange(client, code: code, verifier: pkce.verifier).json()["error"] == "invalid_grant")
            }
        }
    }

    @Test("a code is good for 60 s")
    func codeExpiry() async throws {
        let clock = TestClock()
        try await step9App(clock).test(.router) { client in
            let pkce = PKCEVerifier()
            let code = try #require(try await login(client, pkce: pkce).redirectParameters["code"])
            clock.advance(by: 61)
            #expect(try await exchange(client, code: code, verifier: pkce.verifier).json()["error"] == "invalid_grant")
        }
    }

    @Test("a code is bound to the client it was issued to")
    func codeBoundToClient() async throws {
        try await step9App().test(.router) { client in
            let pkce = PKCEVerifier()
            let code = try #require(try await login(client, pkce: pkce).redirectParameters["code"])
            let registered = try await client.postJSON(
                registrationPath, #"{"redirect_uris":["\#(callback)"],"token_endpoint_auth_method":"none"}"#)
            let other = try #require(try registered.json()["client_id"]?.stringValue)
            #expect(
                try await exchange(client, code: code, verifier: pkce.verifier, clientID: other).json()["error"]
                    == "invalid_grant")
        }
    }

    @Test("requests that cannot be trusted to redirect get an error page, never a redirect")
    func unsafeAuthorizationRequests() async throws {
        try await step9App().test(.router) { client in
            for query in [
                "response_type=code&client_id=nobody&redirect_uri=\(callback)",
                "response_type=code&client_id=mcp-test-client&redirect_uri=https%3A%2F%2Fevil.example%2Fcb",
                "response_type=code&client_id=mcp-test-client&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback%2Fextra",
            ] {
                let response = try await client.execute(uri: authPath + "?" + query, method: .get)
                #expect(response.status == .badRequest)
                #expect(response.headers[.location] == nil)
            }
        }
    }

    @Test(
        "bad authorization requests go back to the client with an error and the state",
        arguments: [
            (["state": "s1"], nil as PKCEVerifier?, "invalid_request"),  // a public client without PKCE
            (["state": "s1", "response_type": "token"], PKCEVerifier(), "unsupported_response_type"),
            (["state": "s1", "scope": "mcp:admin"], PKCEVerifier(), "invalid_scope"),
            (["state": "s1", "code_challenge_method": "plain"], PKCEVerifier(), "invalid_request"),
        ])
    func badAuthorizationRequests(extra: [String: String], pkce: PKCEVerifier?, error: String) async throws {
        try await step9App().test(.router) { client in
            let response = try await login(client, pkce: pkce, extra: extra)
            #expect(response.status == .found)
            #expect(response.redirectParameters["error"] == error)
            #expect(response.redirectParameters["state"] == "s1")
        }
    }

    @Test("refresh tokens: usable once by their client, replaced on use; another client presenting one changes nothing")
    func refreshTokens() async throws {
        try await step9App().test(.router) { client in
            let first = try #require(
                try await passwordGrant(client, "mcp-user", "user123").json()["refresh_token"]?.stringValue)
            let refreshed = try await client.postForm(
                tokenPath, ["grant_type": "refresh_token", "refresh_token": first, "client_id": "mcp-test-client"])
            #expect(refreshed.status == .ok)
            #expect(try refreshed.json()["scope"] == "openid profile email mcp:read mcp:tools")
            let second = try #require(try refreshed.json()["refresh_token"]?.stringValue)
            let registered = try await client.postJSON(
                registrationPath, #"{"redirect_uris":["\#(callback)"],"token_endpoint_auth_method":"none"}"#)
            let other = try #require(try registered.json()["client_id"]?.stringValue)
            let stolen = try await client.postForm(
                tokenPath, ["grant_type": "refresh_token", "refresh_token": second, "client_id": other])
            #expect(try stolen.json()["error"] == "invalid_grant")
            let stillValid = try await client.postForm(
                tokenPath, ["grant_type": "refresh_token", "refresh_token": second, "client_id": "mcp-test-client"])
            #expect(stillValid.status == .ok)
        }
    }

    @Test("a registered client can run the whole code flow; its tokens carry aud echo-mcp-server")
    func registrationThenCodeFlow() async throws {
        try await step9App().test(.router) { client in
            let metadata =
                #"{"client_name":"step 11","redirect_uris":["http://127.0.0.1:53682/callback"],"grant_types":["authorization_code","refresh_token"],"token_endpoint_auth_method":"none","scope":"mcp:read mcp:tools"}"#
            let registered = try await client.postJSON(registrationPath, metadata)
            #expect(registered.status == .created)
            let body = try registered.json()
            let clientID = try #require(body["client_id"]?.stringValue)
            #expect(body["client_secret"] == nil)
            #expect(body["redirect_uris"] == ["http://127.0.0.1:53682/callback"])
            let pkce = PKCEVerifier()
            let redirect = try await login(
                client, clientID: clientID, redirectURI: "http://127.0.0.1:53682/callback", pkce: pkce,
                extra: ["state": "st", "scope": "mcp:read mcp:tools", "resource": "http://localhost:9000/mcp"])
            let code = try #require(redirect.redirectParameters["code"])
            let tokens = try await exchange(
                client, code: code, verifier: pkce.verifier, redirectURI: "http://127.0.0.1:53682/callback",
                clientID: clientID)
            let token = claims(try tokens.json()["access_token"]?.stringValue)
            #expect(token["azp"] == .string(clientID))
            #expect(token["aud"] == "http://localhost:9000/mcp")
            // the realm's default scopes, and those asked for
            #expect(token["scope"] == "profile email mcp:read mcp:tools")
        }
    }

    @Test("a confidential registration gets a secret it must then present")
    func confidentialRegistration() async throws {
        try await step9App().test(.router) { client in
            let registered = try await client.postJSON(
                registrationPath,
                #"{"redirect_uris":["https://localhost/cb"],"token_endpoint_auth_method":"client_secret_post"}"#)
            let body = try registered.json()
            let clientID = try #require(body["client_id"]?.stringValue)
            let secret = try #require(body["client_secret"]?.stringValue)
            let pkce = PKCEVerifier()
            let code = try #require(
                try await login(client, clientID: clientID, redirectURI: "https://localhost/cb", pkce: pkce)
                    .redirectParameters["code"])
            let withoutSecret = try await exchange(
                client, code: code, verifier: pkce.verifier, redirectURI: "https://localhost/cb", clientID: clientID)
            #expect(withoutSecret.status == .unauthorized)
            let code2 = try #require(
                try await login(client, clientID: clientID, redirectURI: "https://localhost/cb", pkce: pkce)
                    .redirectParameters["code"])
            let withSecret = try await client.postForm(
                tokenPath,
                [
                    "grant_type": "authorization_code", "code": code2, "client_id": clientID, "client_secret": secret,
                    "redirect_uri": "https://localhost/cb",
                    "code_verifier": pkce.verifier,
                ])
            #expect(withSecret.status == .ok)
        }
    }

    @Test(
        "registrations against RFC 7591 or the realm's policy are refused and store nothing",
        arguments: [
            (#"{"redirect_uris":["http://evil.example/cb"]}"#, "invalid_redirect_uri"),
            (#"{"redirect_uris":["https://evil.example/cb"]}"#, "invalid_redirect_uri"),
            (#"{"redirect_uris":["http://127.0.0.1:8765/cb#frag"]}"#, "invalid_redirect_uri"),
            (#"{"redirect_uris":["not a uri"]}"#, "invalid_redirect_uri"),
            (#"{"redirect_uris":[]}"#, "invalid_redirect_uri"),
            (#"{"redirect_uris":["http://127.0.0.1:8765/cb"],"grant_types":["password"]}"#, "invalid_client_metadata"),
            (#"{"redirect_uris":["http://127.0.0.1:8765/cb"],"grant_types":["implicit"]}"#, "invalid_client_metadata"),
            (#"{"redirect_uris":["http://127.0.0.1:8765/cb"],"scope":"mcp:read admin"}"#, "invalid_client_metadata"),
            (
                #"{"redirect_uris":["http://127.0.0.1:8765/cb"],"token_endpoint_auth_method":"private_key_jwt"}"#,
                "invalid_client_metadata"
            ),
            (#"[1,2]"#, "invalid_client_metadata"),
            (#"{"redirect_uris":"#, "invalid_client_metadata"),
        ])
    func badRegistrations(body: String, error: String) async throws {
        let server = try await RealmFixture.server()
        let app = Application(router: makeRouter(try ServerOptions.parse([]), realmServer: server))
        try await app.test(.router) { client in
            let response = try await client.postJSON(registrationPath, body)
            #expect(response.status == .badRequest)
            #expect(try response.json()["error"] == .string(error))
            #expect(try response.json()["client_id"] == nil)
        }
    }

    @Test("userinfo answers for a valid access token, and 401 otherwise")
    func userinfo() async throws {
        try await step9App().test(.router) { client in
            let token = try #require(
                try await passwordGrant(client, "mcp-readonly", "readonly123").json()["access_token"]?.stringValue)
            let info = try await client.get(
                realmPath + "/protocol/openid-connect/userinfo", headers: [.authorization: "Bearer \(token)"])
            #expect(try info.json()["preferred_username"] == "mcp-readonly")
            #expect(try info.json()["email"] == "mcp-readonly@example.com")
            #expect(try await client.get(realmPath + "/protocol/openid-connect/userinfo").status == .unauthorized)
            let forged = ForgedToken.tamperedSignature(token)
            #expect(
                try await client.get(
                    realmPath + "/protocol/openid-connect/userinfo", headers: [.authorization: "Bearer \(forged)"]
                ).status == .unauthorized)
        }
    }

    @Test("the login page escapes what it shows")
    func loginPageEscapes() async throws {
        let registered =
            #"{"client_name":"<script>alert(1)</script>","redirect_uris":["\#(callback)"],"token_endpoint_auth_method":"none"}"#
        try await step9App().test(.router) { client in
            let clientID = try #require(
                try await client.postJSON(registrationPath, registered).json()["client_id"]?.stringValue)
            let pkce = PKCEVerifier()
            let page = try await client.execute(
                uri: authPath
                    + "?response_type=code&client_id=\(clientID)&redirect_uri=\(callback)&code_challenge=\(pkce.challenge)&code_challenge_method=S256",
                method: .get)
            #expect(!String(buffer: page.body).contains("<script>"))
            #expect(String(buffer: page.body).contains("&lt;script&gt;"))
        }
    }
}
