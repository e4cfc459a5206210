/// Step 3: the echo tool and echo_prompt, defined but not yet dispatched.
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
            let hostile = try await client.postMCP(
                RPC.ping, headers: HTTPFields.mcpPost.with(.origin, "http://localhost.evil.com"))
            #expect(hostile.status == .forbidden)
        }
    }

    @Test("the echo tool is defined with its schemas and annotations")
    func echoDefinition() throws {
        let tools = makeDispatcher().tools.map(\.definition)
        #expect(tools.map(\.name) == ["echo"])
        let echo = try #require(tools.first)
        let input = try #require(echo.inputSchema.objectValue)
        #expect(input["required"] == ["message"])
        #expect(input["properties"]?.objectValue?["message"]?.objectValue?["type"] == "string")
        let repeatCount = try #require(input["properties"]?.objectValue?["repeat_count"]?.objectValue)
        #expect(repeatCount["type"] == "integer")
        #expect(repeatCount["minimum"] == 1)
        #expect(repeatCount["maximum"] == 10)
        #expect(repeatCount["default"] == 1)
        #expect(echo.outputSchema?.objectValue?["type"] == "object")
        #expect(echo.annotations.readOnlyHint == false)
        #expect(echo.annotations.idempotentHint == true)
    }

    @Test("echo_prompt is defined with its required message argument")
    func promptDefinition() {
        let prompts = makeDispatcher().prompts.map(\.definition)
        #expect(prompts.map(\.name) == ["echo_prompt"])
        #expect(prompts.first?.arguments?.first?.name == "message")
        #expect(prompts.first?.arguments?.first?.required == true)
    }

    @Test("the start-up log names each definition and its arguments")
    func definitionSummary() {
        let lines = makeDispatcher().definitionSummary
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("tool echo (Echo Tool): ") == true)
        #expect(lines.first?.hasSuffix("[arguments: message (required), repeat_count]") == true)
        #expect(lines.last?.hasPrefix("prompt echo_prompt: ") == true)
        #expect(lines.last?.hasSuffix("[arguments: message (required)]") == true)
    }

    @Test(
        "dispatch is step 4's lesson: tools/list, tools/call, prompts/list, prompts/get and initialize get -32601 here")
    func notYetDispatched() async throws {
        try await step3App().test(.router) { client in
            #expect(try await client.postMCP(RPC.ping).status == .ok)
            let bodies = [
                RPC.request("tools/list"), RPC.echo("hi"), RPC.request("prompts/list"),
                RPC.getPrompt("echo_prompt", arguments: ["message": "hi"]),
                RPC.initialize(),
            ]
            for body in bodies {
                let response = try await client.postMCP(body)
                #expect(response.rpcErrorCode == -32601)
            }
        }
    }
}
