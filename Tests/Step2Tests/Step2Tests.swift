/// Step 2: JSON-RPC 2.0 over POST /mcp, and every way a message can be wrong.
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import Shared
import TestSupport
import Testing

@testable import step2

func step2App() throws -> some ApplicationProtocol {
    Application(router: makeRouter(try ServerOptions.parse([])))
}

/// Step 2 still requires an Origin on /mcp, so its clients send a local one.
let step2Headers = HTTPFields.mcpPost.with(.origin, "http://localhost:6274")

// MARK: Tests

@Suite("Step 2")
struct Step2Tests {
    @Test("ping answers exactly {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
    func ping() async throws {
        try await step2App().test(.router) { client in
            let response = try await client.postMCP(RPC.ping, headers: step2Headers)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(try response.json() == ["jsonrpc": "2.0", "id": 1, "result": [:]])
            #expect(response.text == #"{"jsonrpc":"2.0","id":1,"result":{}}"#)
        }
    }

    @Test("string ids are echoed back")
    func stringID() async throws {
        try await step2App().test(.router) { client in
            let response = try await client.postMCP(RPC.request("ping", id: "abc-1"), headers: step2Headers)
            #expect(try response.json()["id"] == "abc-1")
        }
    }

    @Test("a request without Origin is refused in step 2")
    func missingOrigin() async throws {
        try await step2App().test(.router) { client in
            let response = try await client.postMCP(RPC.ping)
            #expect(response.status == .forbidden)
        }
    }

    @Test("methods other than ping get -32601 Method not found")
    func unknownMethod() async throws {
        try await step2App().test(.router) { client in
            for method in ["tools/list", "initialize", "no/such/method"] {
                let response = try await client.postMCP(RPC.request(method, id: 7), headers: step2Headers)
                #expect(response.status == .ok)
                #expect(response.rpcErrorCode == -32601)
                #expect(try response.json()["id"] == 7)
                #expect(try response.json()["error"]?["data"]?["detail"] == .string("Unknown method: \(method)"))
            }
        }
    }

    @Test(
        "malformed messages get HTTP 400 and a JSON-RPC error with a null id",
        arguments: [
            (#"{"jsonrpc":"2.0","id":1,"method":"#, -32700),
            ("", -32700),
            ("not json", -32700),
            (#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, -32600),
            ("[]", -32600),
            ("42", -32600),
            ("null", -32600),
            (#""ping""#, -32600),
            (#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#, -32600),
            (#"{"id":1,"method":"ping"}"#, -32600),
            (#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, -32600),
            (#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, -32600),
            (#"{"jsonrpc":"2.0","id":{},"method":"ping"}"#, -32600),
            (#"{"jsonrpc":"2.0","id":1,"method":42}"#, -32600),
            (#"{"jsonrpc":"2.0","id":1}"#, -32600),
        ])
    func malformed(body: String, code: Int) async throws {
        try await step2App().test(.router) { client in
            let response = try await client.postMCP(body, headers: step2Headers)
            #expect(response.status == .badRequest)
            #expect(response.rpcErrorCode == code)
            #expect(try response.json()["id"] == .null)
        }
    }

    @Test("params that are not an object get -32602")
    func paramsNotObject() async throws {
        try await step2App().test(.router) { client in
            let response = try await client.postMCP(
                #"{"jsonrpc":"2.0","id":3,"method":"ping","params":[1,2]}"#, headers: step2Headers)
            #expect(response.rpcErrorCode == -32602)
            #expect(try response.json()["id"] == 3)
        }
    }

    @Test("notifications and responses get 202 with an empty body")
    func accepted() async throws {
        try await step2App().test(.router) { client in
            for body in [RPC.notification("notifications/initialized"), #"{"jsonrpc":"2.0","id":5,"result":{}}"#] {
                let response = try await client.postMCP(body, headers: step2Headers)
                #expect(response.status == .accepted)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test("a body over 1 MiB gets 413")
    func bodyLimit() async throws {
        let padding = String(repeating: " ", count: (1 << 20) + 1)
        try await step2App().test(.router) { client in
            let response = try await client.postMCP(RPC.ping + padding, headers: step2Headers)
            #expect(response.status == .contentTooLarge)
            #expect(response.detail == "Request body larger than 1048576 bytes")
        }
    }

    @Test("Content-Type other than application/json gets 415")
    func contentType() async throws {
        try await step2App().test(.router) { client in
            let cases: [(HTTPFields, HTTPResponse.Status)] = [
                (step2Headers.with(.contentType, "text/plain"), .unsupportedMediaType),
                (step2Headers.with(.contentType, "application/x-www-form-urlencoded"), .unsupportedMediaType),
                (step2Headers.without(.contentType), .unsupportedMediaType),
                (step2Headers.with(.contentType, "application/json; charset=utf-8"), .ok),
            ]
            for (headers, status) in cases {
                let response = try await client.postMCP(RPC.ping, headers: headers)
                #expect(response.status == status)
            }
        }
    }
}
