/// Step 4: the full MCP dispatch, the Streamable HTTP rules, CORS, and a real MCP client.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import Shared
import TestSupport
import Testing

@testable import step4

func step4Router() throws -> Router<BasicRequestContext> {
    makeRouter(try ServerOptions.parse([]))
}

func step4App() throws -> some ApplicationProtocol {
    Application(router: try step4Router())
}

// MARK: Tests

@Suite("Step 4")
struct Step4Tests {
    @Test("initialize answers with the client's version when supported, and the capabilities")
    func initialize() async throws {
        try await step4App().test(.router) { client in
            let result = try #require(
                try await client.postMCP(RPC.initialize(protocolVersion: "2025-06-18")).json()["result"])
            #expect(result["protocolVersion"] == "2025-06-18")
            #expect(result["serverInfo"]?["name"] == "mcp-echo")
            #expect(result["capabilities"]?["tools"] != nil)
            #expect(result["capabilities"]?["prompts"] != nil)
        }
    }

    @Test("initialize answers an unknown version with the latest one")
    func versionNegotiation() async throws {
        try await step4App().test(.router) { client in
            let result = try await client.postMCP(RPC.initialize(protocolVersion: "1999-01-01")).json()["result"]
            #expect(result?["protocolVersion"] == .string(ProtocolVersion.latest))
        }
    }

    @Test("initialize without params, as the posts send it, is answered with the latest version")
    func initializeWithoutParams() async throws {
        try await step4App().test(.router) { client in
            for body in [
                #"{"jsonrpc":"2.0","id":1,"method":"initialize"}"#,
                #"{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": null}"#,
            ] {
                let result = try await client.postMCP(body).json()["result"]
                #expect(result?["protocolVersion"] == .string(ProtocolVersion.latest))
                #expect(result?["serverInfo"]?["name"] == "mcp-echo")
                #expect(result?["serverInfo"]?["jwt_enabled"] == nil)
            }
        }
    }

    @Test("initialize with params that are there but malformed gets -32602")
    func initializeWithMalformedParams() async throws {
        try await step4App().test(.router) { client in
            for params in [#"{}"#, #"{"protocolVersion":7}"#, #"[]"#, #""2025-06-18""#] {
                let response = try await client.postMCP(
                    #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":\#(params)}"#)
                #expect(response.rpcErrorCode == -32602)
            }
        }
    }

    @Test("echo concatenates as the posts do: Hello World × 3, in the text and in structuredContent")
    func echoAsThePosts() async throws {
        try await step4App().test(.router) { client in
            let body =
                #"{"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "echo", "arguments": {"message": "Hello World", "repeat_count": 3}}}"#
            let result = try await client.postMCP(body).json()["result"]
            #expect(result?["structuredContent"]?["echo"] == "Hello WorldHello WorldHello World")
            #expect(result?["content"]?[0]?["text"]?.stringValue?.contains("Hello WorldHello WorldHello World") == true)
        }
    }

    @Test("echo repeats the message repeat_count times, as structured content and as text")
    func echo() async throws {
        try await step4App().test(.router) { client in
            let result = try #require(try await client.postMCP(RPC.echo("hi", repeatCount: 3)).json()["result"])
            #expect(result["structuredContent"] == ["echo": "hihihi", "repeat_count": 3])
            #expect(result["content"]?[0]?["type"] == "text")
            #expect(result["content"]?[0]?["text"] == #"{"echo":"hihihi","repeat_count":3}"#)
            #expect(result["isError"] == nil)
            let once = try await client.postMCP(RPC.echo("solo")).json()["result"]
            #expect(once?["structuredContent"]?["echo"] == "solo")
        }
    }

    @Test(
        "bad echo arguments get -32602 and run nothing",
        arguments: [
            RPC.callTool("echo"),
            RPC.callTool("echo", arguments: [:]),
            RPC.callTool("echo", arguments: ["message": 5]),
            RPC.callTool("echo", arguments: ["message": "x", "repeat_count": 0]),
            RPC.callTool("echo", arguments: ["message": "x", "repeat_count": 11]),
            RPC.callTool("echo", arguments: ["message": "x", "repeat_count": "3"]),
            RPC.callTool("echo", arguments: ["message": "x", "repeat_count": 2.5]),
            RPC.callTool("echo", arguments: "not an object"),
            RPC.request("tools/call", params: ["arguments": ["message": "x"]]),
        ])
    func badArguments(body: String) async throws {
        try await step4App().test(.router) { client in
            let response = try await client.postMCP(body)
            #expect(response.status == .ok)
            #expect(response.rpcErrorCode == -32602)
            #expect(try response.json()["result"] == nil)
        }
    }

    @Test("an unknown tool gets -32602 naming it")
    func unknownTool() async throws {
        try await step4App().test(.router) { client in
            let response = try await client.postMCP(RPC.callTool("delete_everything", arguments: [:]))
            #expect(response.rpcErrorCode == -32602)
            #expect(try response.json()["error"]?["data"]?["detail"] == "Unknown tool: delete_everything")
        }
    }

    @Test("prompts/get fills echo_prompt; a missing argument or unknown prompt gets -32602")
    func getPrompt() async throws {
        try await step4App().test(.router) { client in
            let result = try await client.postMCP(RPC.getPrompt("echo_prompt", arguments: ["message": "hello"])).json()[
                "result"]
            #expect(result?["messages"]?[0]?["role"] == "user")
            #expect(result?["messages"]?[0]?["content"]?["text"] == "Please echo: hello")
            #expect(try await client.postMCP(RPC.getPrompt("echo_prompt")).rpcErrorCode == -32602)
            #expect(try await client.postMCP(RPC.getPrompt("nope", arguments: [:])).rpcErrorCode == -32602)
        }
    }

    @Test("GET and DELETE /mcp get 405 with Allow: POST")
    func methodNotAllowed() async throws {
        try await step4App().test(.router) { client in
            for method in [HTTPRequest.Method.get, .delete] {
                let response = try await client.execute(uri: "/mcp", method: method)
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
        }
    }

    @Test("an Accept that excludes JSON gets 406; a missing one is fine")
    func accept() async throws {
        try await step4App().test(.router) { client in
            let html = try await client.postMCP(RPC.ping, headers: HTTPFields.mcpPost.with(.accept, "text/html"))
            #expect(html.status == .notAcceptable)
            let none = try await client.postMCP(RPC.ping, headers: HTTPFields.mcpPost.without(.accept))
            #expect(none.status == .ok)
        }
    }

    @Test("an unsupported MCP-Protocol-Version header gets 400; a supported one passes")
    func protocolVersionHeader() async throws {
        try await step4App().test(.router) { client in
            let refused = try await client.postMCP(
                RPC.ping, headers: HTTPFields.mcpPost.with(.mcpProtocolVersion, "2024-01-01"))
            #expect(refused.status == .badRequest)
            #expect(refused.detail?.hasPrefix("Unsupported MCP-Protocol-Version: 2024-01-01") == true)
            #expect(
                try await client.postMCP(RPC.ping, headers: HTTPFields.mcpPost.with(.mcpProtocolVersion, "2025-06-18"))
                    .status == .ok)
        }
    }

    @Test("a CORS preflight from an allowed origin is answered; a hostile one is refused")
    func preflight() async throws {
        try await step4App().test(.router) { client in
            let preflight = try await client.execute(
                uri: "/mcp", method: .options,
                headers: [.origin: "http://localhost:6274", .accessControlRequestMethod: "POST"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "http://localhost:6274")
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("MCP-Protocol-Version") == true)
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            let hostile = try await client.execute(
                uri: "/mcp", method: .options, headers: [.origin: "http://evil.example"])
            #expect(hostile.status == .forbidden)
            #expect(hostile.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test("cross-origin answers, errors included, expose WWW-Authenticate and the MCP headers")
    func exposedHeaders() async throws {
        try await step4App().test(.router) { client in
            let origin = HTTPFields.mcpPost.with(.origin, "http://localhost:6274")
            for response in [
                try await client.postMCP(RPC.ping, headers: origin),
                try await client.execute(uri: "/mcp", method: .get, headers: origin),
            ] {
                #expect(response.headers[.accessControlAllowOrigin] == "http://localhost:6274")
                #expect(response.headers[.accessControlExposeHeaders]?.contains("WWW-Authenticate") == true)
                #expect(response.headers[.accessControlExposeHeaders]?.contains("MCP-Protocol-Version") == true)
            }
        }
    }

    @Test("the official MCP Swift SDK client talks to a listening step 4")
    func sdkClient() async throws {
        try await withMCPClient(serving: try step4Router()) { client, initialized in
            #expect(initialized.serverInfo.name == "mcp-echo")
            let tools = try await client.listTools().tools
            #expect(tools.map(\.name) == ["echo"])
            let call = try await client.callTool(name: "echo", arguments: ["message": "sdk", "repeat_count": 2])
            #expect(call.isError != true)
            guard case .text(let text, _, _) = call.content.first else {
                Issue.record("no text content")
                return
            }
            #expect(text == #"{"echo":"sdksdk","repeat_count":2}"#)
            let prompts = try await client.listPrompts().prompts
            #expect(prompts.map(\.name) == ["echo_prompt"])
            let prompt = try await client.getPrompt(name: "echo_prompt", arguments: ["message": "sdk"])
            guard case .text(let promptText) = prompt.messages.first?.content else {
                Issue.record("no prompt text")
                return
            }
            #expect(promptText == "Please echo: sdk")
            try await client.ping()
        }
    }
}
