/// A router served in the background of a running program, on 127.0.0.1, until stopped.
///
/// Introduced in step 11: the client's loopback receiver is one, and
/// `step11 --demo` starts the realm server and the step-10 server as two more.
///
/// ```swift
/// let server = try await BackgroundServer.start(router, port: 0)
/// print(server.port)          // the port the system chose
/// await server.stop()
/// ```
public import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

public final class BackgroundServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.group = group
        self.task = task
    }

    /// Starts `router` on 127.0.0.1:`port` (0: any free port) and returns once it listens.
    ///
    /// - Throws: when the port cannot be bound.
    public static func start<Context: Hummingbird.RequestContext>(
        _ router: Router<Context>, port: Int = 0, logger: Logger? = nil
    ) async throws
        -> BackgroundServer
    where Context: InitializableFromSource<ApplicationRequestContextSource> {
        var quiet = Logger(label: "background-server")
        quiet.logLevel = .critical
        let (started, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? port) },
            logger: logger ?? quiet)
        let group = ServiceGroup(services: [app], logger: logger ?? quiet)
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        for await bound in started { return BackgroundServer(port: bound, group: group, task: task) }
        try await task.value
        throw BackgroundServerError(port: port)
    }

    /// A port nothing listens on now, for a server whose URL must be known before it starts.
    public static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0)
            .wait()
        defer { _ = channel.close() }
        return channel.localAddress?.port ?? 0
    }

    /// Stops the server and waits until it has: gracefully, so that an answer being written is written whole (a
    /// browser shown the loopback receiver's page gets all of it), then, after 2 s at most, at once.
    public func stop() async {
        await group.triggerGracefulShutdown()
        let task = self.task
        let deadline = Task {
            try await Task.sleep(for: .seconds(2))
            task.cancel()
        }
        _ = try? await task.value
        deadline.cancel()
    }
}

struct BackgroundServerError: Error, CustomStringConvertible {
    let port: Int
    var description: String { "Could not listen on 127.0.0.1:\(port)" }
}
