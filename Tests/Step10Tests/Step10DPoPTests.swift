/// Step 10, Going further: DPoP — end to end with the realm server: DPoP-bound tokens, a fresh proof per call, DPOP_REQUIRED.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MCP
import Shared
import SharedRemote
import TestSupport
import Testing

@testable import step10

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where the clients of these tests reach step 10: its configured public URL (`MCP_SERVER_URL`), so every proof names this.
let mcpURL = "http://localhost:9000/mcp"

/// MCP POST headers with `Authorization: DPoP <token>` and `proof` in `DPoP`.
func withDPoP(_ token: String, proof: String) -> HTTPFields {
    HTTPFields.mcpPost.with(.authorization, "DPoP \(token)").with(.dpop, proof)
}

/// A token for `username` from `realmServer`, through the code flow with PKCE, bound to `key` (unbound without).
func codeFlowToken(
    _ realmServer: RealmServer, key: DPoPKey?, username: String = "mcp-user", password: String = "user123"
) async throws -> Value {
    let router = Router()
    realmServer.addRoutes(to: router)
    return try await Application(router: router).test(.router) { client in
        let pkce = PKCEVerifier()
        let code = try #require(
            try await RealmCodeFlow.code(client, username: username, password: password, pkce: pkce))
        let proof = try key?.proof(method: "POST", url: realmServer.tokenEndpoint)
        return try await RealmCodeFlow.exchange(client, code: code, pkce: pkce, proof: proof).json()
    }
}

/// Step 10's configuration for a realm server on `realmPort`, with `DPOP_REQUIRED` as given.
func configuration(realmPort: Int, dpopRequired: String) async throws -> KeycloakConfiguration {
    try await KeycloakConfiguration.load(
        envFile: "/nonexistent.env",
        environment: [
            "KEYCLOAK_URL": "http://127.0.0.1:\(realmPort)", "MCP_SERVER_URL": "http://localhost:9000",
            "DPOP_REQUIRED": dpopRequired,
        ]
    ).configuration
}

/// The realm server running on a free port, and step 10's configuration and warm keys for it.
struct WarmRealm {
    let realm: BackgroundServer
    let server: RealmServer
    let port: Int
    let configuration: KeycloakConfiguration
    let keys: RemoteKeySet
}

/// Starts the realm server on a free port, and loads step 10's configuration (`DPOP_REQUIRED` as given) and keys for it.
func startWarmRealm(dpopRequired: String = "false") async throws -> WarmRealm {
    let port = try BackgroundServer.freePort()
    let (realm, server) = try await startRealm(port: port)
    let configuration = try await configuration(realmPort: port, dpopRequired: dpopRequired)
    let keys = keySet(configuration)
    await keys.refresh()
    return WarmRealm(realm: realm, server: server, port: port, configuration: configuration, keys: keys)
}

// MARK: Tests

@Suite("Step 10: DPoP", .serialized)
struct Step10DPoPTests {
    @Test(
        "end to end: a DPoP-bound token (code + PKCE), a fresh proof per tools/call; with another key, replayed, or as Bearer it is refused"
    )
    func endToEnd() async throws {
        let warm = try await startWarmRealm()
        let key = DPoPKey()
        let tokens = try await codeFlowToken(warm.server, key: key)
        #expect(tokens["token_type"] == "DPoP")
        let token = try #require(tokens["access_token"]?.stringValue)
        try await step10App(warm.configuration, keys: warm.keys).test(.router) { client in
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
            let stolen = try await client.postMCP(
                RPC.echo("x"),
                headers: withDPoP(token, proof: try thief.proof(method: "POST", url: mcpURL, accessToken: token)))
            #expect(stolen.status == .unauthorized)
            #expect(stolen.detail == "DPoP proof key is not the key the access token is bound to (cnf.jkt)")
            let asBearer = try await client.postMCP(RPC.echo("x"), headers: withBearer(token))
            #expect(asBearer.status == .unauthorized)
            #expect(asBearer.headers[values: .wwwAuthenticate].first?.contains(#"error="invalid_token""#) == true)
            let metadata = try await client.get("/.well-known/oauth-protected-resource/mcp").json()
            #expect(metadata["dpop_signing_alg_values_supported"] == ["ES256", "RS256"])
            #expect(metadata["dpop_bound_access_tokens_required"] == nil)
        }
        await warm.realm.stop()
    }

    @Test("the official MCP client over HTTP, with a fresh DPoP proof on every request")
    func mcpClient() async throws {
        let warm = try await startWarmRealm()
        let key = DPoPKey()
        let tokens = try await codeFlowToken(warm.server, key: key, username: "mcp-admin", password: "admin123")
        let token = try #require(tokens["access_token"]?.stringValue)
        let router = makeRouter(
            try ServerOptions.parse([]),
            config: warm.configuration, keys: warm.keys)
        let withProof: RequestModifier = { request in
            var request = request
            request.setValue("DPoP \(token)", forHTTPHeaderField: "Authorization")
            request.setValue(
                try? key.proof(method: request.httpMethod ?? "POST", url: mcpURL, accessToken: token),
                forHTTPHeaderField: "DPoP")
            return request
        }
        try await withMCPClient(serving: router, requestModifier: withProof) { client, initialized in
            #expect(initialized.serverInfo.name == "mcp-echo")
            for message in ["first", "second"] {
                let echo = try await client.callTool(name: "echo", arguments: ["message": .string(message)])
                #expect(echo.isError != true)
            }
            #expect(try await client.listPrompts().prompts.map(\.name) == ["echo_prompt"])
        }
        await warm.realm.stop()
    }

    @Test(
        "prompts/list by a DPoP-bound mcp-user: 403, DPoP error=insufficient_scope naming mcp:prompts; by a bearer one: the Bearer challenge"
    )
    func insufficientScopeChallenge() async throws {
        let warm = try await startWarmRealm()
        let key = DPoPKey()
        let bound = try #require(try await codeFlowToken(warm.server, key: key)["access_token"]?.stringValue)
        let bearer = try #require(try await codeFlowToken(warm.server, key: nil)["access_token"]?.stringValue)
        let metadata = "http://localhost:9000/.well-known/oauth-protected-resource/mcp"
        let needed =
            #"error="insufficient_scope", scope="mcp:prompts", error_description="Insufficient scope: this request needs mcp:prompts""#
        try await step10App(warm.configuration, keys: warm.keys).test(.router) { client in
            let prompts = RPC.request("prompts/list", id: 7)
            let proof = try key.proof(method: "POST", url: mcpURL, accessToken: bound)
            let asDPoP = try await client.postMCP(prompts, headers: withDPoP(bound, proof: proof))
            #expect(asDPoP.status == .forbidden)
            #expect(
                asDPoP.headers[values: .wwwAuthenticate] == [
                    #"DPoP \#(needed), algs="ES256 RS256", resource_metadata="\#(metadata)""#
                ])
            let asBearer = try await client.postMCP(prompts, headers: withBearer(bearer))
            #expect(asBearer.status == .forbidden)
            #expect(
                asBearer.headers[values: .wwwAuthenticate] == [
                    #"Bearer realm="mcp-server", resource_metadata="\#(metadata)", \#(needed)"#
                ])
            // The JSON-RPC body is the same whatever the scheme.
            let forbidden: Value = [
                "jsonrpc": "2.0", "id": 7,
                "error": [
                    "code": -32001, "message": "Forbidden",
                    "data": ["detail": "Insufficient scope: this request needs mcp:prompts"],
                ],
            ]
            #expect(try asDPoP.json() == forbidden)
            #expect(try asBearer.json() == forbidden)
        }
        await warm.realm.stop()
    }

    @Test(
        "DPOP_REQUIRED=true: bearer tokens are refused, DPoP-bound ones pass, the metadata says so; a bad value names the variable"
    )
    func required() async throws {
        let warm = try await startWarmRealm(dpopRequired: "true")
        #expect(warm.configuration.dpop.policy == .required)
        let key = DPoPKey()
        let bound = try #require(try await codeFlowToken(warm.server, key: key)["access_token"]?.stringValue)
        let bearer = try #require(try await codeFlowToken(warm.server, key: nil)["access_token"]?.stringValue)
        try await step10App(warm.configuration, keys: warm.keys).test(.router) { client in
            let refused = try await client.postMCP(RPC.echo("x"), headers: withBearer(bearer))
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[values: .wwwAuthenticate].count == 1)
            #expect(refused.headers[.wwwAuthenticate]?.hasPrefix(#"DPoP error="invalid_token""#) == true)
            let proof = try key.proof(method: "POST", url: mcpURL, accessToken: bound)
            #expect(try await client.postMCP(RPC.echo("x"), headers: withDPoP(bound, proof: proof)).status == .ok)
            let metadata = try await client.get("/.well-known/oauth-protected-resource").json()
            #expect(metadata["dpop_bound_access_tokens_required"] == true)
        }
        await warm.realm.stop()
        #expect(try await configuration(realmPort: warm.port, dpopRequired: "FALSE").dpop.policy == .allowed)
        #expect(try await configuration(realmPort: warm.port).dpop.required == false)
        do {
            _ = try await configuration(realmPort: warm.port, dpopRequired: "yes")
            Issue.record("DPOP_REQUIRED=yes was accepted")
        } catch {
            #expect("\(error)" == "DPOP_REQUIRED must be true or false, got 'yes'")
        }
    }
}
