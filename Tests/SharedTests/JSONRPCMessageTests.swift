/// JSONRPCMessage classification and typed params decoding.
import Foundation
import MCP
import NIOCore
import Testing

@testable import MCPAuth
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
            Issue.record("not a request")
            return
        }
        #expect(request.id == "a")
        #expect(request.method == "ping")
        #expect(
            try parse(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
                == .notification(method: "notifications/initialized"))
        #expect(try parse(#"{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"x"}}"#) == .response)
    }

    @Test("typed params decode, and errors name the field")
    func typedParams() throws {
        struct Params: Decodable {
            let name: String
            let count: Int
        }
        guard
            case .request(let good) = try parse(
                #"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"n","count":2}}"#)
        else { return }
        #expect(try good.params(Params.self).count == 2)
        guard case .request(let missing) = try parse(#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"count":2}}"#)
        else { return }
        #expect(throws: JSONRPCError.invalidParams(#"missing required "name""#)) { try missing.params(Params.self) }
        guard
            case .request(let mistyped) = try parse(
                #"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"n","count":"2"}}"#)
        else { return }
        #expect(throws: JSONRPCError.invalidParams(#""count" must be an integer"#)) { try mistyped.params(Params.self) }
    }

    @Test("a message with a data: URL keeps it as text")
    func dataURLStaysText() throws {
        struct Params: Decodable { let message: String }
        guard
            case .request(let request) = try parse(
                #"{"jsonrpc":"2.0","id":1,"method":"m","params":{"message":"data:text/plain,hi"}}"#)
        else { return }
        #expect(try request.params(Params.self).message == "data:text/plain,hi")
    }
}

extension JSONRPCMessageTests {
    /// Params of every shape a tool may declare, to decode with both decoders.
    struct EveryShape: Decodable, Equatable {
        struct Inner: Decodable, Equatable {
            let flag: Bool
            let note: String?
        }
        let text: String
        let int: Int, int8: Int8, uint: UInt, int64: Int64
        let double: Double, float: Float, integralDouble: Double
        let optional: String?, absent: Int?, explicitNull: String?
        let inner: Inner, list: [Inner], matrix: [[Int]]
        let values: [String: Value]
        let url: URL, data: Data
    }

    static let everyShape = #"""
        {"text":"é \"q\" \u00e9\ud83d\ude00","int":-42,"int8":127,"uint":9223372036854775807,"int64":9007199254740993,
         "double":-1.5e-3,"float":0.25,"integralDouble":3,"optional":"x","explicitNull":null,
         "inner":{"flag":true},"list":[{"flag":false,"note":"n"}],"matrix":[[1,2],[],[3]],
         "values":{"a":[1,2.5,"s",null,true,{"b":{}}]},"url":"https://example.com/a?b=c","data":"aGVsbG8="}
        """#

    /// The -32602 detail each decoder's error becomes, for params that do not decode as `P`.
    static func details<P: Decodable>(_ type: P.Type, params: String) throws -> (ours: String, foundation: String) {
        guard case .request(let request) = try parse(#"{"jsonrpc":"2.0","id":1,"method":"m","params":"# + params + "}")
        else { return ("", "") }
        var ours = ""
        do { _ = try request.params(P.self) } catch { ours = error.detail }
        var foundation = ""
        do { _ = try JSONDecoder().decode(P.self, from: Data(params.utf8)) } catch {
            foundation = JSONRPCRequest.describe(error)
        }
        return (ours, foundation)
    }
}

extension JSONRPCMessageTests {
    @Test("params read from the one parse decode exactly as JSONDecoder decodes them")
    func sameAsJSONDecoder() throws {
        guard
            case .request(let request) = try parse(
                #"{"jsonrpc":"2.0","id":1,"method":"m","params":"# + Self.everyShape + "}")
        else {
            Issue.record("not a request")
            return
        }
        let ours = try request.params(EveryShape.self)
        #expect(ours == (try JSONDecoder().decode(EveryShape.self, from: Data(Self.everyShape.utf8))))
        #expect(ours.int64 == 9_007_199_254_740_993, "an integer past 2^53 keeps every digit")
        struct Unsigned: Decodable { let value: UInt64 }
        let (refused, _) = try Self.details(Unsigned.self, params: #"{"value":9223372036854775809}"#)
        #expect(refused.hasPrefix(#""value": "#), "a UInt64 past Int.max is refused, not rounded: \(refused)")
    }

    @Test(
        "strings without escapes keep every character, ASCII or not",
        arguments: ["plain", "", "é 日本 😀", "~!@#$%^&*()_+-=[]{}|;:',.<>/?", "42"])
    func plainStrings(text: String) throws {
        struct Text: Decodable, Equatable { let text: String }
        let params = #"{"text":"# + "\"\(text)\"}"
        guard case .request(let request) = try parse(#"{"jsonrpc":"2.0","id":1,"method":"m","params":"# + params + "}")
        else {
            Issue.record("not a request")
            return
        }
        #expect(try request.params(Text.self) == Text(text: text))
        #expect(try request.params(Text.self) == (try JSONDecoder().decode(Text.self, from: Data(params.utf8))))
    }

    @Test(
        "a missing, null or mistyped field gets the detail JSONDecoder's error would give",
        arguments: [
            #"{"flag":true,"count":1}"#, #"{"name":"n","count":1}"#, #"{"name":null,"count":1}"#,
            #"{"name":"n","count":"1"}"#,
            #"{"name":"n","count":1,"tags":"t"}"#, #"{"name":"n","count":1,"tags":["a",2]}"#,
            #"{"name":"n","count":1,"inner":{}}"#,
            #"{"name":"n","count":1,"inner":[]}"#,
        ])
    func sameErrorsAsJSONDecoder(params: String) throws {
        struct Params: Decodable {
            struct Inner: Decodable { let flag: Bool }
            let name: String
            let count: Int
            let tags: [String]?
            let inner: Inner?
        }
        let (ours, foundation) = try Self.details(Params.self, params: params)
        #expect(ours == foundation)
        #expect(!ours.isEmpty || params == #"{"name":"n","count":1}"#)
    }

    @Test("a number that does not fit the field's type is refused, naming the field")
    func numbersThatDoNotFit() throws {
        struct Params: Decodable {
            let small: Int8?
            let count: Int?
        }
        for params in [
            #"{"small":128}"#, #"{"count":1.5}"#, #"{"count":9223372036854775808}"#, #"{"small":-129}"#,
            #"{"count":1e300}"#,
        ] {
            let (ours, foundation) = try Self.details(Params.self, params: params)
            #expect(ours.hasPrefix(#""small": "#) || ours.hasPrefix(#""count": "#), "\(params): \(ours)")
            #expect(!foundation.isEmpty, "JSONDecoder refuses \(params) too")
        }
    }

    @Test(
        "ids: strings, and integers to Int.max (past 2^53 too), are kept exactly; anything else is an invalid request")
    func ids() throws {
        guard case .request(let big) = try parse(#"{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}"#) else {
            Issue.record("not a request")
            return
        }
        #expect(big.id == .number(9_007_199_254_740_993))
        for id in ["1.5", "null", "true", "[1]", "{}", "1e2", "92233720368547758070"] {
            #expect(throws: JSONRPCError.invalidRequest(#""id" must be a string or an integer"#), "id \(id)") {
                try parse(#"{"jsonrpc":"2.0","id":"# + id + #","method":"ping"}"#)
            }
        }
    }

    @Test(
        "bodies the strict parser refuses are parse errors: duplicate names, deep nesting, invalid UTF-8, trailing data"
    )
    func refusedBodies() {
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let bodies =
            [
                #"{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}"#,
                #"{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":"# + deep + "}}",
                #"{"jsonrpc":"2.0","id":1,"method":"ping"} {}"#, #"{"jsonrpc":"2.0","id":1,"method":"ping",}"#,
            ].map { Data($0.utf8) } + [Data([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D])]
        for body in bodies {
            #expect(
                throws: JSONRPCError.parseError("Body is not valid JSON"), "\(String(decoding: body, as: UTF8.self))"
            ) { try JSONRPCMessage.parse(body) }
        }
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
                == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"data":{"detail":"Body is not valid JSON"},"message":"Parse error"}}"#
        )
    }
}
