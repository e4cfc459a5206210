/// Step 3: the echo tool and echo_prompt, discoverable but not yet callable.
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import Shared
import TestSupport
import Testing

@testable import step3

func step3App() throws -> some ApplicationProtocol {
    Application(router: makeRouter(try ServerOptions.parse([])))
}

// MARK: Tests

@Suite("Step 3")
struct Step3Tests {
    @Test("from step 3 on, a request without Origin is allowed; hostile origins still are not")
    func originPolicy() async throws {
        try await step3App().test(.router) { client in
            let withoutOrigin = try await client.postMCP(RPC.ping)
            #expect(withoutOrigin.status == .ok)
            let hostile = try await client.postMCP(RPC.ping, headers: HTTPFields.mcpPost.with(.origin, "http://localhost.evil.com"))
            #expect(hostile.status == .forbidden)
        }
    }

    @Test("tools/list shows echo with its schemas and annotations")
    func toolsList() async throws {
        try await step3App().test(.router) { client in
            let tools = try #require(try await client.postMCP(RPC.request("tools/list")).json()["result"]?["tools"]?.arrayValue)
            #expect(tools.count == 1)
            let echo = try #require(tools.first)
            #expect(echo["name"] == "echo")
            #expect(echo["inputSchema"]?["required"] == ["message"])
            #expect(echo["inputSchema"]?["properties"]?["message"]?["type"] == "string")
            let repeatCount = echo["inputSchema"]?["properties"]?["repeat_count"]
            #expect(repeatCount?["type"] == "integer")
            #expect(repeatCount?["minimum"] == 1)
            #expect(repeatCount?["maximum"] == 10)
            #expect(repeatCount?["default"] == 1)
            #expect(echo["outputSchema"]?["type"] == "object")
            #expect(
                echo["annotations"]
                    == ["title": "Echo Tool", "readOnlyHint": false, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false])
        }
    }

    @Test("prompts/list shows echo_prompt with its required message argument")
    func promptsList() async throws {
        try await step3App().test(.router) { client in
            let prompts = try #require(try await client.postMCP(RPC.request("prompts/list")).json()["result"]?["prompts"]?.arrayValue)
            #expect(prompts.count == 1)
            #expect(prompts.first?["name"] == "echo_prompt")
            #expect(prompts.first?["arguments"]?[0]?["name"] == "message")
            #expect(prompts.first?["arguments"]?[0]?["required"] == true)
        }
    }

    @Test("calling is step 4's lesson: tools/call, prompts/get and initialize get -32601 here")
    func notYetCallable() async throws {
        try await step3App().test(.router) { client in
            for body in [RPC.echo("hi"), RPC.getPrompt("echo_prompt", arguments: ["message": "hi"]), RPC.initialize()] {
                let response = try await client.postMCP(body)
                #expect(response.rpcErrorCode == -32601)
            }
        }
    }
}
