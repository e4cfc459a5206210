/// Receives the authorization server's redirect on 127.0.0.1: one request, then it closes.
///
/// Introduced in step 11. A native app's redirect URI is a loopback address
/// (RFC 8252 §7.3): the client listens on `http://127.0.0.1:<port>/callback`,
/// the browser is sent there with `code` and `state`, and the first request
/// to that path is the answer. Any other path gets 404; the listener stops
/// after the answer.
import Foundation
import Hummingbird
import Shared

public final class LoopbackReceiver: Sendable {
    public let redirectURI: String
    private let server: BackgroundServer
    private let received: AsyncStream<[String: String]>

    private init(redirectURI: String, server: BackgroundServer, received: AsyncStream<[String: String]>) {
        self.redirectURI = redirectURI
        self.server = server
        self.received = received
    }

    /// Listens on `port` (0: any free port).
    public static func start(port: Int = 0) async throws -> LoopbackReceiver {
        let (stream, continuation) = AsyncStream.makeStream(
            of: [String: String].self, bufferingPolicy: .bufferingNewest(1))
        let router = Router()
        router.get("/callback") { request, _ -> Response in
            continuation.yield(FormFields.parse(request.uri.query ?? "") ?? [:])
            continuation.finish()
            let page =
                "<!doctype html><title>Signed in</title><p>Signed in. You can close this window and go back to the terminal.</p>"
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        let server = try await BackgroundServer.start(router, port: port)
        return LoopbackReceiver(
            redirectURI: "http://127.0.0.1:\(server.port)/callback", server: server, received: stream)
    }

    /// The query of the redirect, once it arrives (within `timeout`); the listener is closed after.
    public func wait(timeout: Duration = .seconds(300)) async throws -> [String: String] {
        defer { Task { await self.server.stop() } }
        return try await withThrowingTaskGroup(of: [String: String]?.self) { group in
            group.addTask {
                for await parameters in self.received { return parameters }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let parameters = first else {
                throw OAuthFlowError.noRedirect(timeout)
            }
            return parameters
        }
    }

    public func stop() async {
        await server.stop()
    }
}
