/// Step 10, Going further: DPoP — end to end with the realm server: DPoP-bound tokens, a fresh proof per call, DPOP_REQUIRED.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MCP
import Shared
import TestSupport
import Testing

@testable import step10

/// Where the clients of these tests reach step 10: its configured public URL (`MCP_SERVER_URL`), so every proof names this.
let mcpURL = "http://localhost:9000/mcp"

/// MCP POST headers with `Authorization: DPoP <token>` and `proof` in `DPoP`.
func withDPoP(_ token: String, proof: String) -> HTTPFields {
    HTTPFields.mcpPost.with(.authorization, "DPoP \(token)").with(.dpop, proof)
}

/// A token for `username` from `realmServer`, through the code flow with PKCE, bound to `key` (unbound without).
func codeFlowToken(_ realmServer: RealmServer, key: DPoPKey?, username: String = "mcp-user", password: String = "user123") async throws -> Value {
    let router = Router()
    realmServer.addRoutes(to: router)
    return try await Application(router: router).test(.router) { client in
        let pkce = PKCEVerifier()
        let code = try #require(try await RealmCodeFlow.code(client, username: username, password: password, pkce: pkce))
        let proof = try key?.proof(method: "POST", url: realmServer.tokenEndpoint)
        return try await RealmCodeFlow.exchange(client, code: code, pkce: pkce, proof: proof).json()
    }
}


/// Step 10's configuration for a realm server on `realmPort`, with `DPOP_REQUIRED` as given.
func configuration(realmPort: Int, dpopRequired: String) async throws -> KeycloakConfiguration {
    try await KeycloakConfiguration.load(
        envFile: "/nonexistent.env",
        environment: ["KEYCLOAK_URL": "http://127.0.0.1:\(realmPort)", "MCP_SERVER_URL": "http://localhost:9000", "DPOP_REQUIRED": dpopRequired]
    ).configuration
}

// MARK: Tests

@Suite("Step 10: DPoP", .serialized)
struct Step10DPoPTests {
    @Test("end to end: a DPoP-bound token (code + PKCE), a fresh proof per tools/call; with another key, replayed, or as Bearer it is refused")
    func endToEnd() async throws {
        let port = try BackgroundServer.freePort()
        let (realm, realmServer) = try await startRealm(port: port)
        let configuration = try await configuration(realmPort: port)
        let keys = keySet(configuration)
        await keys.refresh()
        let key = DPoPKey()
        let tokens = try await codeFlowToken(realmServer, key: key)
        #expect(tokens["token_type"] == "DPoP")
        let token = try #require(tokens["access_token"]?.stringValue)
        try await step10App(configuration, keys: keys).test(.router) { client in
            var lastProof = ""
            for message in ["one", "two", "three"] {
                lastProof = try key.proof(method: "POST", url: mcpURL, accessToken: token)
                let response = try await client.postMCP(RPC.echo(message), headers: withDPoP(token, proof: lastProof))
                #expect(response.status == .ok)
                #expect(response.text.contains(message))
            }
            let replayed = try await client.postMCP(RPC.echo("again"), headers: withDPoP(token, proof: lastProof))
            #expect(replayed.status == .unauthorized)
            let thief = DPoPKey()
            let stolen = try await client.postMCP(RPC.echo("x"), headers: withDPoP(token, proof: try thief.proof(method: "POST", url: mcpURL, accessToken: token)))
            #expect(stolen.status == .unauthorized)
            #expect(stolen.detail == "DPoP proof key is not the key the access token is bound to (cnf.jkt)")
            let asBearer = try await client.postMCP(RPC.echo("x"), headers: withBearer(token))
            #expect(asBearer.status == .unauthorized)
            #expect(asBearer.headers[values: .wwwAuthenticate].first?.contains(#"error="invalid_token""#) == true)
            let metadata = try await client.get("/.well-known/oauth-protected-resource/mcp").json()
            #expect(metadata["dpop_signing_alg_values_supported"] == ["ES256", "RS256"])
            #expect(metadata["dpop_bound_access_tokens_required"] == nil)
        }
        await realm.stop()
    }

    @Test("the official MCP client over HTTP, with a fresh DPoP proof on every request")
    func mcpClient() async throws {
        let port = try BackgroundServer.freePort()
        let (realm, realmServer) = try await startRealm(port: port)
        let configuration = try await configuration(realmPort: port)
        let keys = keySet(configuration)
        await keys.refresh()
        let key = DPoPKey()
        let token = try #require(try await codeFlowToken(realmServer, key: key, username: "mcp-admin", password: "admin123")["access_token"]?.stringValue)
        let router = makeRouter(try ServerOptions.parse([]), protected: ProtectedMCPServer(configuration: configuration, keys: keys))
        try await withMCPClient(serving: router, requestModifier: { request in
            var request = request
            request.setValue("DPoP \(token)", forHTTPHeaderField: "Authorization")
            request.setValue(try? key.proof(method: request.httpMethod ?? "POST", url: mcpURL, accessToken: token), forHTTPHeaderField: "DPoP")
            return request
        }) { client, initialized in
            #expect(initialized.serverInfo.name == "mcp-echo")
            for message in ["first", "second"] {
                let echo = try await client.callTool(name: "echo", arguments: ["message": .string(message)])
                #expect(echo.isError != true)
            }
            #expect(try await client.listPrompts().prompts.map(\.name) == ["echo_prompt"])
        }
        await realm.stop()
    }

    @Test("DPOP_REQUIRED=true: bearer tokens are refused, DPoP-bound ones pass, the metadata says so; a bad value names the variable")
    func required() async throws {
        let port = try BackgroundServer.freePort()
        let (realm, realmServer) = try await startRealm(port: port)
        let settings = try await configuration(realmPort: port, dpopRequired: "true")
        #expect(settings.dpopPolicy == .required)
        let keys = keySet(settings)
        await keys.refresh()
        let key = DPoPKey()
        let bound = try #require(try await codeFlowToken(realmServer, key: key)["access_token"]?.stringValue)
        let bearer = try #require(try await codeFlowToken(realmServer, key: nil)["access_token"]?.stringValue)
        try await step10App(settings, keys: keys).test(.router) { client in
            let refused = try await client.postMCP(RPC.echo("x"), headers: withBearer(bearer))
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[values: .wwwAuthenticate].count == 1)
            #expect(refused.headers[.wwwAuthenticate]?.hasPrefix(#"DPoP error="invalid_token""#) == true)
            let proof = try key.proof(method: "POST", url: mcpURL, accessToken: bound)
            #expect(try await client.postMCP(RPC.echo("x"), headers: withDPoP(bound, proof: proof)).status == .ok)
            let metadata = try await client.get("/.well-known/oauth-protected-resource").json()
            #expect(metadata["dpop_bound_access_tokens_required"] == true)
        }
        await realm.stop()
        #expect(try await configuration(realmPort: port, dpopRequired: "FALSE").dpopPolicy == .allowed)
        #expect(try await configuration(realmPort: port).dpopRequired == false)
        do {
            _ = try await configuration(realmPort: port, dpopRequired: "yes")
            Issue.record("DPOP_REQUIRED=yes was accepted")
        } catch {
            #expect("\(error)" == "DPOP_REQUIRED must be true or false, got 'yes'")
        }
    }
}
