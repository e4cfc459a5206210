/// Step 9, with step 10's Going further: DPoP — the realm server binds tokens to a client's key when the token request carries a proof.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import Shared
import TestSupport
import Testing

@testable import step9

/// The token endpoint's public URL, as `step9App` serves it: what a proof's `htu` must name.
let tokenEndpoint = "http://localhost:8080" + tokenPath

/// A password-grant token response for mcp-user, with `proof` as the `DPoP` header if given.
func passwordGrant(_ client: some TestClientProtocol, proof: String?) async throws -> TestResponse {
    try await client.postForm(
        tokenPath,
        [
            "grant_type": "password", "client_id": "mcp-test-client", "username": "mcp-user", "password": "user123",
            "scope": fullScope,
        ],
        headers: proof.map { [.dpop: $0] } ?? [:])
}

/// A proof by `key` for the token endpoint at the time of `clock`.
func tokenProof(_ key: DPoPKey, _ clock: TestClock) throws -> String {
    try key.proof(method: "POST", url: tokenEndpoint, issuedAt: clock.now)
}

// MARK: Tests

@Suite("Step 9: DPoP at the token endpoint")
struct Step9DPoPTests {
    @Test("the metadata advertises the DPoP proof algorithms")
    func metadata() async throws {
        try await step9App().test(.router) { client in
            let metadata = try await client.get(realmPath + "/.well-known/openid-configuration").json()
            #expect(metadata["dpop_signing_alg_values_supported"] == ["ES256", "RS256"])
        }
    }

    @Test("with a proof, the access token is bound to its key (cnf.jkt, token_type DPoP); without, nothing changes")
    func boundTokens() async throws {
        let clock = TestClock()
        let key = DPoPKey()
        try await step9App(clock).test(.router) { client in
            let bound = try await passwordGrant(client, proof: try tokenProof(key, clock))
            #expect(bound.status == .ok)
            #expect(try bound.json()["token_type"] == "DPoP")
            let access = claims(try bound.json()["access_token"]?.stringValue)
            #expect(access["cnf"]?["jkt"]?.stringValue == key.thumbprint)
            #expect(access["typ"] == "DPoP")
            #expect(claims(try bound.json()["id_token"]?.stringValue)["cnf"] == nil)
            let plain = try await passwordGrant(client, proof: nil)
            #expect(try plain.json()["token_type"] == "Bearer")
            #expect(claims(try plain.json()["access_token"]?.stringValue)["cnf"] == nil)
            let basic = Data("echo-mcp-server:echo-mcp-server-secret".utf8).base64EncodedString()
            let service = try await client.postForm(
                tokenPath, ["grant_type": "client_credentials"],
                headers: [.authorization: "Basic \(basic)", .dpop: try tokenProof(key, clock)])
            #expect(try service.json()["token_type"] == "DPoP")
            #expect(
                claims(try service.json()["access_token"]?.stringValue)["cnf"]?["jkt"]?.stringValue == key.thumbprint)
        }
    }

    @Test("a bad proof gets 400 invalid_dpop_proof and burns nothing: the same code then works with a good proof")
    func badProofs() async throws {
        let clock = TestClock()
        let key = DPoPKey()
        try await step9App(clock).test(.router) { client in
            let pkce = PKCEVerifier()
            let code = try #require(try await RealmCodeFlow.code(client, pkce: pkce))
            let bad = [
                try key.proof(
                    method: "POST", url: "http://localhost:8080/realms/mcp-realm/protocol/openid-connect/auth",
                    issuedAt: clock.now),
                try key.proof(method: "GET", url: tokenEndpoint, issuedAt: clock.now),
                try key.proof(method: "POST", url: tokenEndpoint, issuedAt: clock.now.addingTimeInterval(-400)),
                ForgedProof.hs256(claims: ForgedProof.claims(url: tokenEndpoint, issuedAt: clock.now)),
                "not-a-proof",
            ]
            for proof in bad {
                let response = try await RealmCodeFlow.exchange(client, code: code, pkce: pkce, proof: proof)
                #expect(response.status == .badRequest)
                #expect(try response.json()["error"] == "invalid_dpop_proof")
            }
            var twoProofs = HTTPFields()
            twoProofs.append(HTTPField(name: .dpop, value: try tokenProof(key, clock)))
            twoProofs.append(HTTPField(name: .dpop, value: try tokenProof(key, clock)))
            let twice = try await client.postForm(
                tokenPath,
                [
                    "grant_type": "password", "client_id": "mcp-test-client", "username": "mcp-user",
                    "password": "user123",
                ], headers: twoProofs)
            #expect(try twice.json()["error"] == "invalid_dpop_proof")
            let proof = try tokenProof(key, clock)
            let tokens = try await RealmCodeFlow.exchange(client, code: code, pkce: pkce, proof: proof)
            #expect(tokens.status == .ok)
            #expect(
                claims(try tokens.json()["access_token"]?.stringValue)["cnf"]?["jkt"]?.stringValue == key.thumbprint)
            let replayed = try await passwordGrant(client, proof: proof)
            #expect(try replayed.json()["error_description"] == "DPoP proof was already used (jti replayed)")
        }
    }

    @Test("a public client's DPoP refresh token is redeemed only with a proof of the same key; failures leave it valid")
    func boundRefresh() async throws {
        let clock = TestClock()
        let key = DPoPKey()
        try await step9App(clock).test(.router) { client in
            let pkce = PKCEVerifier()
            let code = try #require(try await RealmCodeFlow.code(client, pkce: pkce))
            let tokens = try await RealmCodeFlow.exchange(
                client, code: code, pkce: pkce, proof: try tokenProof(key, clock))
            let refreshToken = try #require(try tokens.json()["refresh_token"]?.stringValue)
            let withoutProof = try await RealmCodeFlow.refresh(client, refreshToken)
            #expect(withoutProof.status == .badRequest)
            #expect(try withoutProof.json()["error"] == "invalid_dpop_proof")
            let otherKey = try await RealmCodeFlow.refresh(
                client, refreshToken, proof: try tokenProof(DPoPKey(), clock))
            #expect(try otherKey.json()["error"] == "invalid_grant")
            let refreshed = try await RealmCodeFlow.refresh(client, refreshToken, proof: try tokenProof(key, clock))
            #expect(refreshed.status == .ok)
            #expect(try refreshed.json()["token_type"] == "DPoP")
            #expect(
                claims(try refreshed.json()["access_token"]?.stringValue)["cnf"]?["jkt"]?.stringValue == key.thumbprint)
            let next = try #require(try refreshed.json()["refresh_token"]?.stringValue)
            #expect(
                try await RealmCodeFlow.refresh(client, next, proof: try tokenProof(DPoPKey(), clock)).json()["error"]
                    == "invalid_grant")
            #expect(
                try await RealmCodeFlow.refresh(client, refreshToken, proof: try tokenProof(key, clock)).json()["error"]
                    == "invalid_grant")
        }
    }

    @Test("an unbound refresh token stays usable as before; the userinfo endpoint refuses a DPoP-bound token as Bearer")
    func unboundRefreshAndUserinfo() async throws {
        let clock = TestClock()
        let key = DPoPKey()
        try await step9App(clock).test(.router) { client in
            let plain = try await passwordGrant(client, proof: nil)
            let refreshToken = try #require(try plain.json()["refresh_token"]?.stringValue)
            let refreshed = try await RealmCodeFlow.refresh(client, refreshToken)
            #expect(try refreshed.json()["token_type"] == "Bearer")
            let userinfoPath = realmPath + "/protocol/openid-connect/userinfo"
            let bearer = try #require(try refreshed.json()["access_token"]?.stringValue)
            #expect(try await client.get(userinfoPath, headers: [.authorization: "Bearer \(bearer)"]).status == .ok)
            let bound = try #require(
                try await passwordGrant(client, proof: try tokenProof(key, clock)).json()["access_token"]?.stringValue)
            let refused = try await client.get(userinfoPath, headers: [.authorization: "Bearer \(bound)"])
            #expect(refused.status == .unauthorized)
            #expect(refused.detail?.hasPrefix("Token is bound to a DPoP key") == true)
        }
    }
}
