/// Step 9: the attacks of the OAuth 2.1 / RFC 9700 list, each played as a request sequence, then what was refused and
/// what was revoked.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import TestSupport
import Testing

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
}
