/// Step 7: protected resource metadata, the demo authorization server, and its token endpoint.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import Shared
import TestSupport
import Testing

@testable import step7

let step7URL = "http://localhost:9000"

func step7App() async throws -> some ApplicationProtocol {
    let authorizationServer = try await makeAuthorizationServer(serverURL: step7URL, keys: DemoKeys.directory)
    return Application(
        router: makeRouter(
            try ServerOptions.parse([]), keys: await DemoKeys.publicKeys(), authorizationServer: authorizationServer))
}

/// POSTs a token request form to the demo token endpoint.
func tokenRequest(_ client: some TestClientProtocol, _ form: String) async throws -> TestResponse {
    try await client.execute(
        uri: "/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
        body: ByteBuffer(string: form))
}

// MARK: Tests

@Suite("Step 7")
struct Step7Tests {
    @Test("protected resource metadata is served at the path-scoped URL and at the root")
    func protectedResourceMetadata() async throws {
        try await step7App().test(.router) { client in
            for path in ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"] {
                let metadata = try await client.get(path).json()
                #expect(metadata["resource"] == "http://localhost:9000/mcp")
                #expect(metadata["authorization_servers"] == ["http://localhost:9000"])
                #expect(metadata["scopes_supported"] == ["mcp:read", "mcp:tools", "mcp:prompts"])
                #expect(metadata["bearer_methods_supported"] == ["header"])
                #expect(metadata["mcp_protocol_version"] == "2025-06-18")
                #expect(metadata["resource_type"] == "mcp-server")
            }
        }
    }

    @Test("the 401 challenge points at the metadata")
    func challenge() async throws {
        try await step7App().test(.router) { client in
            let response = try await client.postMCP(RPC.ping)
            #expect(
                response.headers[.wwwAuthenticate]
                    == #"Bearer realm="mcp-server", resource_metadata="http://localhost:9000/.well-known/oauth-protected-resource/mcp""#
            )
        }
    }

    @Test("authorization server metadata names only endpoints that exist, and they answer")
    func authorizationServerMetadata() async throws {
        try await step7App().test(.router) { client in
            let metadata = try await client.get("/.well-known/oauth-authorization-server").json()
            #expect(metadata["issuer"] == "http://localhost:9000")
            #expect(metadata["token_endpoint"] == "http://localhost:9000/oauth/token")
            #expect(metadata["jwks_uri"] == "http://localhost:9000/.well-known/jwks.json")
            #expect(metadata["authorization_endpoint"] == nil)
            #expect(metadata["registration_endpoint"] == nil)
            #expect(metadata["grant_types_supported"] == ["password"])
            // as the posts show: the token endpoint honours RFC 8707
            #expect(metadata["resource_indicators_supported"] == true)
            #expect(metadata["response_types_supported"] == [])
            #expect(try await client.get("/.well-known/jwks.json").status == .ok)
            #expect(try await tokenRequest(client, "").status == .badRequest)
        }
    }

    @Test(
        "initialize names the metadata documents in serverInfo, and ping says they are there, as the posts' step 7 does"
    )
    func metadataInResults() async throws {
        let token = try await DemoKeys.token("alice", scopes: ["mcp:read", "mcp:tools"])
        let headers = HTTPFields.mcpPost.with(.authorization, "Bearer \(token)")
        try await step7App().test(.router) { client in
            let serverInfo = try await client.postMCP(
                #"{"jsonrpc":"2.0","id":1,"method":"initialize"}"#, headers: headers
            ).json()["result"]?["serverInfo"]
            #expect(serverInfo?["jwt_enabled"] == true)
            #expect(serverInfo?["authenticatedUser"] == "alice")
            #expect(
                serverInfo?["oauth_metadata"]?["protected_resource"]
                    == "http://localhost:9000/.well-known/oauth-protected-resource/mcp")
            #expect(
                serverInfo?["oauth_metadata"]?["authorization_server"]
                    == "http://localhost:9000/.well-known/oauth-authorization-server")
            let ping = try await client.postMCP(RPC.ping, headers: headers).json()["result"]
            #expect(ping == ["_meta": ["user": "alice", "authenticated": true, "oauth_metadata_available": true]])
        }
    }

    @Test("/health links the metadata documents")
    func health() async throws {
        try await step7App().test(.router) { client in
            let links = try await client.get("/health").json()["oauth_metadata"]
            #expect(links?["protected_resource"] == "http://localhost:9000/.well-known/oauth-protected-resource/mcp")
            #expect(links?["authorization_server"] == "http://localhost:9000/.well-known/oauth-authorization-server")
        }
    }

    @Test("the token endpoint mints a token for a demo user that /mcp accepts")
    func passwordGrant() async throws {
        try await step7App().test(.router) { client in
            let response = try await tokenRequest(client, "grant_type=password&username=alice&password=alice123")
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            let body = try response.json()
            #expect(body["token_type"] == "Bearer")
            #expect(body["scope"] == "mcp:read mcp:tools")
            #expect(body["expires_in"] == 3600)
            let token = try #require(body["access_token"]?.stringValue)
            let claims = TokenFile(token: token).claims
            #expect(claims["iss"] == "http://localhost:9000")
            let initialize = try await client.postMCP(
                RPC.initialize(), headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(token)"))
            #expect(try initialize.json()["result"]?["serverInfo"]?["authenticatedUser"] == "alice")
        }
    }

    @Test("scope asks for a subset; the user's other scopes are left out")
    func narrowerScope() async throws {
        try await step7App().test(.router) { client in
            let body = try await tokenRequest(
                client, "grant_type=password&username=alice&password=alice123&scope=mcp:read"
            ).json()
            #expect(body["scope"] == "mcp:read")
        }
    }

    @Test("an RFC 8707 resource makes it the audience, and /mcp accepts that audience")
    func resourceIndicator() async throws {
        try await step7App().test(.router) { client in
            let form = "grant_type=password&username=bob&password=bob123&resource=http%3A%2F%2Flocalhost%3A9000%2Fmcp"
            let token = try #require(try await tokenRequest(client, form).json()["access_token"]?.stringValue)
            #expect(TokenFile(token: token).claims["aud"] == "http://localhost:9000/mcp")
            #expect(
                try await client.postMCP(RPC.ping, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(token)"))
                    .status == .ok)
        }
    }

    @Test(
        "bad token requests get the RFC 6749 error and no token",
        arguments: [
            ("grant_type=password&username=alice&password=wrong", "invalid_grant"),
            ("grant_type=password&username=nobody&password=alice123", "invalid_grant"),
            ("grant_type=password&username=alice", "invalid_request"),
            ("grant_type=password&username=alice&password=alice123&username=admin", "invalid_request"),
            ("username=alice&password=alice123", "invalid_request"),
            ("grant_type=client_credentials&client_id=x", "unsupported_grant_type"),
            ("grant_type=authorization_code&code=abc", "unsupported_grant_type"),
            ("grant_type=password&username=alice&password=alice123&scope=mcp:everything", "invalid_scope"),
            (
                "grant_type=password&username=alice&password=alice123&resource=https%3A%2F%2Fevil.example%2Fmcp",
                "invalid_target"
            ),
        ])
    func badTokenRequests(form: String, error: String) async throws {
        try await step7App().test(.router) { client in
            let response = try await tokenRequest(client, form)
            #expect(response.status == .badRequest)
            #expect(try response.json()["error"] == .string(error))
            #expect(try response.json()["access_token"] == nil)
        }
    }

    @Test("tokens from gen-token (iss mcp-simple-auth, aud mcp-server) still work")
    func genTokenStillWorks() async throws {
        let token = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        try await step7App().test(.router) { client in
            let response = try await client.postMCP(
                RPC.ping, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(token)"))
            #expect(response.status == .ok)
        }
    }
}
