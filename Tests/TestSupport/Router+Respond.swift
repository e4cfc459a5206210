/// Sending a router a request that a test client cannot forge, such as another `Host`.
public import Hummingbird
import Logging
import NIOEmbedded

extension Router where Context == BasicRequestContext {
    /// The response of this router to `GET path` sent to `authority` (the `Host` header).
    public func respond(to path: String, authority: String) async throws -> Response {
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: authority, path: path),
            body: RequestBody(buffer: ByteBuffer())
        )
        let context = BasicRequestContext(
            source: .init(channel: NIOAsyncTestingChannel(), logger: Logger(label: "test")))
        return try await buildResponder().respond(to: request, context: context)
    }
}
