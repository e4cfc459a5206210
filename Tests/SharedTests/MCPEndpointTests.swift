/// The HTTP rules of /mcp that need more than a router test can send.
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import Shared

/// A POST /mcp whose body arrives in `chunks`, with the Content-Length given (none by default).
func streamedPost(_ chunks: [String], contentLength: Int? = nil) -> Request {
    let stream = AsyncStream<ByteBuffer> { continuation in
        for chunk in chunks { continuation.yield(ByteBuffer(string: chunk)) }
        continuation.finish()
    }
    var headers: HTTPFields = [.contentType: "application/json"]
    headers[.contentLength] = contentLength.map(String.init)
    return Request(
        head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/mcp", headerFields: headers),
        body: RequestBody(asyncSequence: stream)
    )
}

// MARK: Tests

@Suite("MCPEndpoint")
struct MCPEndpointTests {
    let endpoint = MCPEndpoint(handler: MCPDispatcher(methods: .pingOnly), bodyLimit: 64)

    @Test("a streamed body without Content-Length still stops at the limit")
    func streamedBodyLimit() async throws {
        let request = streamedPost([String(repeating: " ", count: 40), String(repeating: " ", count: 40), "{}"])
        await #expect(throws: HTTPRequestError.bodyTooLarge(limit: 64)) { try await endpoint.readBody(request) }
    }

    @Test("a Content-Length over the limit is refused before reading")
    func declaredLength() async throws {
        let request = streamedPost(["{}"], contentLength: 65)
        await #expect(throws: HTTPRequestError.bodyTooLarge(limit: 64)) { try await endpoint.readBody(request) }
    }

    @Test("a body within the limit is read whole")
    func withinLimit() async throws {
        let body = try await endpoint.readBody(streamedPost(["{\"a\":", "1}"]))
        #expect(String(decoding: body, as: UTF8.self) == "{\"a\":1}")
    }

    @Test(
        "Accept must admit JSON; missing, */* and application/* are fine",
        arguments: [
            (nil, true), ("*/*", true), ("application/json", true), ("application/json, text/event-stream", true),
            ("application/*", true), ("text/event-stream, application/json;q=0.5", true),
            ("APPLICATION/JSON", true), ("text/html ,\tapplication/json ; q=1", true),
            ("application/json;q=0.001", true),
            ("text/html", false), ("text/event-stream", false), ("application/json;q=0", false),
            ("application/json ; q=0.0", false),
            ("application/xml", false), ("application/jsonx", false), ("", true), ("Application/*", true),
            ("text/*", false),
        ] as [(String?, Bool)])
    func accept(value: String?, accepted: Bool) throws {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let value { headers[.accept] = value }
        if accepted {
            try endpoint.checkHeaders(headers)
        } else {
            #expect(throws: HTTPRequestError.notAcceptable(value ?? "")) { try endpoint.checkHeaders(headers) }
        }
    }

    @Test(
        "Content-Type must be JSON, parameters, case and spaces aside",
        arguments: [
            ("application/json", true), ("Application/JSON; charset=utf-8", true),
            (" application/json\t;charset=utf-8", true),
            ("application/json-seq", false), ("text/plain", false), ("", false), (";application/json", false),
        ])
    func contentType(value: String, accepted: Bool) throws {
        let headers: HTTPFields = [.contentType: value]
        if accepted {
            try endpoint.checkHeaders(headers)
        } else {
            #expect(throws: HTTPRequestError.unsupportedMediaType(value)) { try endpoint.checkHeaders(headers) }
        }
    }

    @Test("a header is read as headers[name] reads it: one field's value, several joined, none nil")
    func headerValue() throws {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(HTTPField(name: .accept, value: "text/html"))
        headers.append(HTTPField(name: .accept, value: "application/json"))
        headers.append(HTTPField(name: .cookie, value: "a=1"))
        headers.append(HTTPField(name: .cookie, value: "b=2"))
        for name in [HTTPField.Name.contentType, .accept, .cookie, .origin] {
            #expect(headers.value(name) == headers[name], "\(name)")
        }
        #expect(headers.value(.accept) == "text/html, application/json")
        #expect(headers.value(.origin) == nil)
        try endpoint.checkHeaders(headers)  // JSON is admitted by the second Accept field
    }

    @Test("MCP-Protocol-Version must be one we speak when present")
    func protocolVersionHeader() throws {
        let headers: HTTPFields = [.contentType: "application/json"]
        for version in ProtocolVersion.supported {
            try endpoint.checkHeaders(headers.merging(version))
        }
        #expect(throws: HTTPRequestError.unsupportedProtocolVersion("2099-01-01")) {
            try endpoint.checkHeaders(headers.merging("2099-01-01"))
        }
    }
}

extension HTTPFields {
    fileprivate func merging(_ version: String) -> HTTPFields {
        var fields = self
        fields[.mcpProtocolVersion] = version
        return fields
    }
}
