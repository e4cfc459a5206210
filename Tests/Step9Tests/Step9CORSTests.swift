/// Step 9: CORS as Keycloak answers it. Public documents for any origin; the token, userinfo and registration
/// endpoints and the login form for loopback, configured and registered web origins only.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import TestSupport
import Testing

@testable import step9

/// The step-9 router on the repository's realm, with `arguments` as its command line.
func step9CORSApp(
    _ arguments: [String] = [], baseURL: String = "http://localhost:8080"
) async throws
    -> some ApplicationProtocol
{
    Application(
        router: makeRouter(
            try ServerOptions.parse(arguments), realmServer: try await RealmFixture.server(baseURL: baseURL)))
}

/// A web app on https (not the loopback http every step allows), on a host the realm's registration policy trusts.
let appOrigin = "https://localhost:8443"

@Suite("Step 9: CORS")
struct Step9CORSTests {
    @Test("discovery, the JWKS and the realm info answer any origin, and name it")
    func publicDocuments() async throws {
        try await step9CORSApp().test(.router) { client in
            for path in [
                realmPath, realmPath + "/.well-known/openid-configuration",
                "/.well-known/oauth-authorization-server" + realmPath, realmPath + "/protocol/openid-connect/certs",
            ] {
                let response = try await client.get(path, headers: [.origin: "https://anyone.example"])
                #expect(response.status == .ok, "\(path)")
                #expect(response.headers[.accessControlAllowOrigin] == "https://anyone.example", "\(path)")
                #expect(response.headers[.vary]?.contains("Origin") == true, "\(path)")
            }
        }
    }

    @Test("the token endpoint refuses an unknown origin with 403, and the grant is not tried")
    func tokenRefusesUnknownOrigin() async throws {
        try await step9CORSApp().test(.router) { client in
            let refused = try await client.postForm(
                tokenPath,
                [
                    "grant_type": "password", "client_id": "mcp-test-client", "username": "mcp-user",
                    "password": "user123", "scope": fullScope,
                ], headers: [.origin: "https://evil.example"])
            #expect(refused.status == .forbidden)
            #expect(refused.headers[.accessControlAllowOrigin] == nil)
            #expect(refused.text.contains("access_token") == false)
            let preflight = try await client.execute(
                uri: tokenPath, method: .options,
                headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"])
            #expect(preflight.status == .forbidden)
            let registration = try await client.execute(
                uri: registrationPath, method: .post,
                headers: [.contentType: "application/json", .origin: "https://evil.example"],
                body: ByteBuffer(string: #"{"redirect_uris":["https://evil.example/cb"]}"#))
            #expect(registration.status == .forbidden)
        }
    }

    @Test("a loopback page's preflight to the token endpoint may send Authorization and DPoP, and read DPoP-Nonce")
    func loopbackPreflight() async throws {
        try await step9CORSApp().test(.router) { client in
            let preflight = try await client.execute(
                uri: tokenPath, method: .options,
                headers: [
                    .origin: "http://localhost:6274", .accessControlRequestMethod: "POST",
                    .accessControlRequestHeaders: "content-type, dpop",
                ])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "http://localhost:6274")
            let allowed = preflight.headers[.accessControlAllowHeaders] ?? ""
            #expect(allowed.contains("DPoP") && allowed.contains("Authorization") && allowed.contains("Content-Type"))
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
            let tokens = try await passwordGrant(client, "mcp-user", "user123")
            #expect(tokens.status == .ok)
            let answered = try await client.postForm(
                tokenPath, ["grant_type": "password", "client_id": "mcp-test-client"],
                headers: [.origin: "http://127.0.0.1:3000"])
            #expect(answered.headers[.accessControlAllowOrigin] == "http://127.0.0.1:3000")
            #expect(answered.headers[.accessControlExposeHeaders]?.contains("DPoP-Nonce") == true)
            #expect(answered.headers[.accessControlExposeHeaders]?.contains("WWW-Authenticate") == true)
        }
    }

    @Test("a registered client's redirect origin may call the token and userinfo endpoints (web origins +)")
    func registeredRedirectOrigin() async throws {
        try await step9CORSApp().test(.router) { client in
            let before = try await client.execute(
                uri: tokenPath, method: .options, headers: [.origin: appOrigin, .accessControlRequestMethod: "POST"])
            #expect(before.status == .forbidden)
            let registered = try await client.postJSON(
                registrationPath,
                #"{"redirect_uris":["\#(appOrigin)/oauth/callback"],"token_endpoint_auth_method":"none"}"#)
            #expect(registered.status == .created)
            let clientID = try #require(try registered.json()["client_id"]?.stringValue)
            let preflight = try await client.execute(
                uri: tokenPath, method: .options, headers: [.origin: appOrigin, .accessControlRequestMethod: "POST"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == appOrigin)
            let pkce = PKCEVerifier()
            let code = try #require(
                try await login(client, clientID: clientID, redirectURI: appOrigin + "/oauth/callback", pkce: pkce)
                    .redirectParameters["code"])
            let tokens = try await client.postForm(
                tokenPath,
                [
                    "grant_type": "authorization_code", "code": code, "client_id": clientID,
                    "redirect_uri": appOrigin + "/oauth/callback", "code_verifier": pkce.verifier,
                ], headers: [.origin: appOrigin])
            #expect(tokens.status == .ok)
            #expect(tokens.headers[.accessControlAllowOrigin] == appOrigin)
            let accessToken = try #require(try tokens.json()["access_token"]?.stringValue)
            let userinfo = try await client.get(
                realmPath + "/protocol/openid-connect/userinfo",
                headers: [.origin: appOrigin, .authorization: "Bearer \(accessToken)"])
            #expect(userinfo.status == .ok)
            #expect(userinfo.headers[.accessControlAllowOrigin] == appOrigin)
            // The origin of one redirect URI is not a wildcard: another host or port stays out.
            for other in ["https://localhost:9443", "https://127.0.0.1:8443", "https://localhost"] {
                let refused = try await client.execute(
                    uri: tokenPath, method: .options, headers: [.origin: other, .accessControlRequestMethod: "POST"])
                #expect(refused.status == .forbidden, "\(other)")
            }
        }
    }

    @Test("--allowed-origin and the server's own public origin are allowed too")
    func configuredAndOwnOrigins() async throws {
        try await step9CORSApp(
            ["--allowed-origin", "https://configured.example"], baseURL: "https://auth.example.com"
        ).test(.router) { client in
            for origin in ["https://configured.example", "https://auth.example.com"] {
                let preflight = try await client.execute(
                    uri: tokenPath, method: .options, headers: [.origin: origin, .accessControlRequestMethod: "POST"])
                #expect(preflight.status == .noContent, "\(origin)")
                #expect(preflight.headers[.accessControlAllowOrigin] == origin)
            }
        }
    }
}
