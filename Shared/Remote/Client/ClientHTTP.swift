/// The client's HTTP: one request, its whole answer, and no redirect followed behind its back.
///
/// Introduced in step 11. Redirects are not followed, so that the client sees
/// (and narrates) every hop of the OAuth flow, and never sends a token or a
/// code to a host it did not choose.
import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import Shared

public struct ClientHTTP: Sendable {
    let http: HTTPClient

    public init(http: HTTPClient) {
        self.http = http
    }

    /// A client that does not follow redirects, and reports a server that is not there at once (no retrying of
    /// refused connections until the timeout); shut it down with ``shutdown()``.
    public static func make() -> ClientHTTP {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return ClientHTTP(
            http: HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration))
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// An HTTP answer.
    public struct Response: Sendable {
        public let status: Int
        public let headers: [(String, String)]
        public let body: Data

        /// The first header named `name`, any case.
        public func header(_ name: String) -> String? { headers(named: name).first }

        /// Every header named `name`, any case.
        public func headers(named name: String) -> [String] {
            headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
        }

        public var text: String { String(decoding: body, as: UTF8.self) }

        public func json<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(T.self, from: body) }
    }

    /// Sends one request (1 MiB of answer at most, 10 s). With `until`, reading the answer stops as soon as what has
    /// arrived satisfies it: an MCP server that answers with an event stream may keep it open after the response.
    ///
    /// - Throws: ``OAuthFlowError/unreachable(_:_:)`` when no answer comes (refused, timed out, too large).
    public func send(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: Data? = nil,
        until complete: (@Sendable (Data) -> Bool)? = nil
    ) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await http.execute(request, timeout: .seconds(10))
            var data = Data()
            for try await chunk in response.body {
                data.append(contentsOf: chunk.readableBytesView)
                guard data.count <= 1 << 20 else { throw HTTPClientError.bodyLengthMismatch }
                if let complete, complete(data) { break }
            }
            return Response(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: data)
        } catch {
            throw OAuthFlowError.unreachable(url, AuthorizationServerDiscovery.describe(error))
        }
    }

    /// POSTs `fields` as a form, with `headers` besides (client credentials, say).
    public func postForm(
        _ url: String, _ fields: [(String, String)], headers: [(String, String)] = []
    ) async throws -> Response {
        let body = FormFields.encode(fields)
        return try await send(
            "POST", url, headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers,
            body: Data(body.utf8))
    }
}
