/// Step 8: who may call what — the whole method × user matrix, the per-tool guard, and a real client.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import Shared
import TestSupport
import Testing

@testable import step8

func step8Router() async throws -> Router<MCPRequestContext> {
    let authorizationServer = try await makeAuthorizationServer(
        serverURL: "http://localhost:9000", keys: DemoKeys.directory)
    return makeRouter(
        try ServerOptions.parse([]), keys: await DemoKeys.publicKeys(), authorizationServer: authorizationServer)
}

/// Design §5 for step 8: the scope a refused call is told to ask for, or nil when the call is allowed.
func expectedRefusal(_ user: MatrixUser, _ call: MCPCall) -> String? {
    switch (user, call) {
    case (.admin, _), (_, .initialize), (_, .ping): nil
    case (.alice, .promptsList), (.alice, .promptsGet), (.bob, .toolsList): nil  // mcp:read lists and gets
    case (.alice, .toolsList), (.alice, .toolsCall), (.bob, .promptsList), (.bob, .promptsGet): nil
    case (_, .toolsList), (_, .toolsCall): "mcp:tools"
    case (_, .promptsList), (_, .promptsGet): "mcp:prompts"
    }
}

// MARK: Tests

@Suite("Step 8")
struct Step8Tests {
    @Test("every user gets exactly the access design §5 gives", arguments: MatrixUser.allCases, MCPCall.allCases)
    func matrix(user: MatrixUser, call: MCPCall) async throws {
        let token = try await user.token()
        try await Application(router: try await step8Router()).test(.router) { client in
            let response = try await client.postMCP(
                call.body, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(token)"))
            if let scope = expectedRefusal(user, call) {
                #expect(response.status == .forbidden)
                #expect(response.rpcErrorCode == -32001)
                #expect(try response.json()["error"]?["message"] == "Forbidden")
                #expect(
                    response.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope", scope="\#(scope)""#)
                        == true)
                #expect(
                    response.headers[.wwwAuthenticate]?.contains(#"resource_metadata="http://localhost:9000/"#) == true)
            } else {
                #expect(response.status == .ok)
                #expect(try response.json()["result"] != nil)
            }
        }
    }

    @Test("server_stats needs mcp:admin on top of mcp:tools: alice is refused, admin and an mcp:admin token get it")
    func perToolScope() async throws {
        let stats = RPC.callTool("server_stats", arguments: [:])
        let alice = try await MatrixUser.alice.token()
        let admin = try await MatrixUser.admin.token()
        let scoped = try await DemoKeys.token("ops", scopes: ["mcp:tools", "mcp:admin"])
        let adminScopeOnly = try await DemoKeys.token("ops", scopes: ["mcp:admin"])
        try await Application(router: try await step8Router()).test(.router) { client in
            let refused = try await client.postMCP(
                stats, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(alice)"))
            #expect(refused.status == .forbidden)
            #expect(refused.headers[.wwwAuthenticate]?.contains(#"scope="mcp:admin""#) == true)
            #expect(try refused.json()["id"] == 1)
            for token in [admin, scoped] {
                let allowed = try await client.postMCP(
                    stats, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(token)"))
                #expect(try allowed.json()["result"]?["structuredContent"]?["uptime_seconds"]?.intValue != nil)
            }
            // mcp:admin without mcp:tools never reaches the tool: the method check comes first.
            let noTools = try await client.postMCP(
                stats, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(adminScopeOnly)"))
            #expect(noTools.headers[.wwwAuthenticate]?.contains(#"scope="mcp:tools""#) == true)
        }
    }

    @Test("/health says scope_based_auth; tools/list shows server_stats to those who may list")
    func discovery() async throws {
        let alice = try await MatrixUser.alice.token()
        try await Application(router: try await step8Router()).test(.router) { client in
            #expect(try await client.get("/health").json()["scope_based_auth"] == true)
            let tools = try await client.postMCP(
                RPC.request("tools/list"), headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(alice)"))
            #expect(
                try tools.json()["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == [
                    "echo", "server_stats",
                ])
        }
    }

    @Test("the official MCP Swift SDK client, with admin's bearer token, uses a listening step 8")
    func sdkClient() async throws {
        let token = try await MatrixUser.admin.token()
        let withToken: RequestModifier = { request in
            var request = request
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            return request
        }
        try await withMCPClient(serving: try await step8Router(), requestModifier: withToken) { client, initialized in
            #expect(initialized.serverInfo.name == "mcp-echo")
            #expect(try await client.listTools().tools.map(\.name) == ["echo", "server_stats"])
            let echo = try await client.callTool(name: "echo", arguments: ["message": "scoped"])
            #expect(echo.isError != true)
            #expect(try await client.listPrompts().prompts.map(\.name) == ["echo_prompt"])
        }
    }

    @Test("the SDK client without a token is refused at connect")
    func sdkClientWithoutToken() async throws {
        await #expect(throws: (any Error).self) {
            try await withMCPClient(serving: try await step8Router()) { _, _ in }
        }
    }
}
