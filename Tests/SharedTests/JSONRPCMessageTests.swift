/// JSONRPCMessage classification and typed params decoding.
import Foundation
import NIOCore
import MCP
import Testing

@testable import Shared

func parse(_ body: String) throws(JSONRPCError) -> JSONRPCMessage {
    try JSONRPCMessage.parse(Data(body.utf8))
}

// MARK: Tests

@Suite("JSONRPCMessage")
struct JSONRPCMessageTests {
    @Test("requests, notifications and responses are told apart")
    func classification() throws {
        guard case .request(let request) = try parse(#"{"jsonrpc":"2.0","id":"a","method":"ping"}"#) else {
            Issue.record("not a request"); return
        }
        #expect(request.id == "a")
        #expect(request.method == "ping")
        #expect(try parse(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#) == .notification(method: "notifications/initialized"))
        #expect(try parse(#"{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"x"}}"#) == .response)
    }

    @Test("typed params decode, and errors name the field")
    func typedParams() throws {
        struct Params: Decodable { let name: String; let count: Int }
        guard case .request(let good) = try parse(#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"n","count":2}}"#) else { return }
        #expect(try good.params(Params.self).count == 2)
        guard case .request(let missing) = try parse(#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"count":2}}"#) else { return }
        #expect(throws: JSONRPCError.invalidParams(#"missing required "name""#)) { try missing.params(Params.self) }
        guard case .request(let mistyped) = try parse(#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"n","count":"2"}}"#) else { return }
        #expect(throws: JSONRPCError.invalidParams(#""count" must be an integer"#)) { try mistyped.params(Params.self) }
    }

    @Test("a message with a data: URL keeps it as text")
    func dataURLStaysText() throws {
        struct Params: Decodable { let message: String }
        guard case .request(let request) = try parse(#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"message":"data:text/plain,hi"}}"#) else { return }
        #expect(try request.params(Params.self).message == "data:text/plain,hi")
    }
}

@Suite("JSONRPCResponse")
struct JSONRPCResponseTests {
    @Test("responses read jsonrpc, id, then result or error; an unknown id is null")
    func envelopeOrder() throws {
        let success = try JSONRPCResponse.result(EmptyResult(), id: "a\"b").encoded()
        #expect(String(buffer: success) == #"{"jsonrpc":"2.0","id":"a\"b","result":{}}"#)
        let failure = try JSONRPCResponse.error(.parseError("Body is not valid JSON"), id: nil).encoded()
        #expect(
            String(buffer: failure)
                == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"data":{"detail":"Body is not valid JSON"},"message":"Parse error"}}"#)
    }
}
