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
            let parameters = FormFields.parse(request.uri.query ?? "") ?? [:]
            continuation.yield(parameters)
            continuation.finish()
            return Self.page(for: parameters)
        }
        let server = try await BackgroundServer.start(router, port: port)
        return LoopbackReceiver(
            redirectURI: "http://127.0.0.1:\(server.port)/callback", server: server, received: stream)
    }

    /// What the browser shows after the redirect: the truth, in a few words. A code is not yet a token (the
    /// terminal says how the exchange went); an error is named with its description.
    static func page(for parameters: [String: String]) -> Response {
        let escape = { (text: String) in
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let (title, message, status): (String, String, HTTPResponse.Status)
        if let error = parameters["error"] {
            let description = parameters["error_description"].map { ": " + escape($0) } ?? ""
            (title, message, status) = (
                "Sign-in failed", "The authorization server answered <code>\(escape(error))</code>\(description).", .ok
            )
        } else if parameters["code"] != nil {
            (title, message, status) = ("Signed in", "You can close this window and go back to the terminal.", .ok)
        } else {
            (title, message, status) = (
                "Nothing to do here", "This address only receives a sign-in's answer.", .badRequest
            )
        }
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1"><title>\(title)</title>
            <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}code{background:#eee;padding:0 .2em}</style>
            </head><body><h1>\(title)</h1><p>\(message)</p></body></html>
            """
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .connection: "close"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
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
