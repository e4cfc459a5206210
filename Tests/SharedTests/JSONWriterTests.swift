/// The results that write their own JSON write exactly what JSONEncoder.compact writes for them.
import Foundation
import MCP
import NIOCore
import Testing

@testable import Shared

extension JSONWriterTests {
    /// What `JSONEncoder.compact` makes of `value`.
    static func foundation(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder.compact.encode(value), as: UTF8.self)
    }

    /// Strings that exercise every escape: quotes, backslashes, each control character, `/`, non-ASCII.
    static let awkwardStrings: [String] = [
        "", "plain", #"say "hi""#, #"back\slash"#, "a/b/c", "tab\tnew\nline\rcr", "\u{08}\u{0C}",
        String((0..<0x20).map { Character(Unicode.Scalar($0)) }), "\u{7F}\u{2028}\u{2029}", "é ünï 日本 😀",
        "\"\\\"", "end\\",
    ]

    static func randomString(using generator: inout some RandomNumberGenerator) -> String {
        awkwardStrings.randomElement(using: &generator)! + String(Int.random(in: 0..<100, using: &generator))
    }

    /// A random JSON value, `depth` levels deep at most, with awkward strings as keys and values.
    static func randomValue(depth: Int, using generator: inout some RandomNumberGenerator) -> Value {
        switch Int.random(in: 0..<(depth > 0 ? 9 : 7), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int.random(in: .min ... .max, using: &generator))
        case 3: return .double([0.1, -0.0, 1e20, 1e-7, 100, 2.5].randomElement(using: &generator)!)
        case 4, 5: return .string(randomString(using: &generator))
        case 6: return .data(mimeType: "text/plain", Data(randomString(using: &generator).utf8))
        case 7:
            return .array(
                (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                    randomValue(depth: depth - 1, using: &generator)
                })
        default:
            var members: [String: Value] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                members[randomString(using: &generator)] = randomValue(depth: depth - 1, using: &generator)
            }
            return .object(members)
        }
    }
}

// MARK: Tests

@Suite("JSON writer")
struct JSONWriterTests {
    @Test("strings are escaped as JSONEncoder escapes them", arguments: JSONWriterTests.awkwardStrings)
    func strings(string: String) throws {
        #expect(try Value.string(string).jsonText() == Self.foundation(string))
    }

    @Test("integers at the edges, booleans and null")
    func scalars() throws {
        for value: Value in [.int(0), .int(-1), .int(.max), .int(.min), .bool(true), .bool(false), .null] {
            #expect(try value.jsonText() == Self.foundation(value))
        }
    }

    @Test("random JSON values, keys sorted at every level, are written byte for byte as JSONEncoder writes them")
    func randomValues() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let value = Self.randomValue(depth: 4, using: &generator)
            #expect(try value.jsonText() == Self.foundation(value))
        }
    }

    @Test("tools/call results: text, other content, isError, structuredContent and _meta")
    func callToolResults() async throws {
        let results: [CallTool.Result] = [
            CallTool.Result(),
            try await EchoTool().call(
                .init(message: "hi \"there\"/\n", repeatCount: 3), context: ToolContext(caller: nil)),
            CallTool.Result(content: [.text(text: "failed", annotations: nil, _meta: nil)], isError: true),
            CallTool.Result(
                content: [
                    .text(text: "a", annotations: .init(audience: [.user], priority: 0.5), _meta: nil),
                    .image(data: "aGk=", mimeType: "image/png", annotations: nil, _meta: nil),
                    .text(text: "b", annotations: nil, _meta: nil),
                ], structuredContent: Optional.some(["z": 1, "a": ["nested": true]]), isError: false,
                _meta: Metadata(additionalFields: ["trace": "t1"])),
        ]
        for result in results {
            #expect(try result.jsonText() == Self.foundation(result))
        }
    }

    @Test("ping results, with and without a caller, and the empty result")
    func pingResults() throws {
        let alice = AuthenticatedUser(
            username: "alice", subject: "a1", scopes: [], issuer: "i", expiresAt: .distantFuture)
        for result in [
            PingResult(caller: nil), PingResult(caller: alice), PingResult(caller: alice, metadataAvailable: true),
        ] {
            #expect(try result.jsonText() == Self.foundation(result))
        }
        #expect(try EmptyResult().jsonText() == "{}")
    }

    @Test("a JSON-RPC response with a number id and a result that writes itself")
    func envelope() throws {
        let result: Value = ["b": 2, "a": "x"]
        #expect(
            String(buffer: try JSONRPCResponse.result(result, id: .number(7)).encoded())
                == #"{"jsonrpc":"2.0","id":7,"result":{"a":"x","b":2}}"#)
    }

    @Test("a value without a conformance goes through JSONEncoder, spliced in place")
    func fallback() throws {
        struct Plain: Encodable { let b = 1, a = [1, 2] }
        var json = JSONWriter()
        json.beginArray()
        try json.write(Plain())
        try json.write(Value.int(3))
        json.endArray()
        #expect(String(buffer: json.buffer) == #"[{"a":[1,2],"b":1},3]"#)
    }
}
