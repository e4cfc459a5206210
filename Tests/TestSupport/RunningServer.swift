/// A server running for real on a chosen 127.0.0.1 port, that a test can stop and start again.
///
/// For the tests where another process's view matters: step 10 fetching the
/// realm server's keys over HTTP, the realm server going down and coming back.
import AsyncHTTPClient
import Foundation
public import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

public final class RunningServer: Sendable {
    public let port: Int
    private let task: Task<Void, any Error>

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    /// Starts `router` on `port` and returns once it accepts connections.
    public static func start<Context: RequestContext>(_ router: Router<Context>, port: Int) async throws -> RunningServer
    where Context: InitializableFromSource<ApplicationRequestContextSource> {
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let (started, continuation) = AsyncStream.makeStream(of: Void.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in continuation.yield() }, logger: logger)
        let task = Task {
            let group = ServiceGroup(services: [app], logger: logger)
            try await group.run()
        }
        for await _ in started { break }
        return RunningServer(port: port, task: task)
    }

    /// Stops the server and waits until it has.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// A port nothing listens on now.
    public static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
        let port = channel.localAddress?.port ?? 0
        try channel.close().wait()
        return port
    }
}

/// OAuth requests to a realm server over HTTP, as a client would send them.
public enum RealmHTTP {
    /// A password-grant access token from the realm server at `baseURL`.
    public static func token(
        baseURL: String, username: String, password: String, scope: String = "openid profile email mcp:read mcp:tools mcp:prompts",
        resource: String? = nil
    ) async throws -> String {
        var form = "grant_type=password&client_id=mcp-test-client&username=\(username)&password=\(password)&scope=\(scope.replacingOccurrences(of: " ", with: "+"))"
        if let resource { form += "&resource=" + (resource.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? resource) }
        var request = HTTPClientRequest(url: baseURL + "/realms/mcp-realm/protocol/openid-connect/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        struct Token: Decodable { let access_token: String }
        return try JSONDecoder().decode(Token.self, from: Data(buffer: body)).access_token
    }
}
