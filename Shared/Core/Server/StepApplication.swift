/// Turning a step's router into a server, and running it.
///
/// Introduced in step 1. Every step ends the same way: build the router, hand it
/// to ``makeApplication(name:router:options:port:services:)``, run it. The
/// application logs one line once it listens, with the URL to try. A server
/// that cannot start says why in one line and exits with status 1, instead of
/// a crash and a backtrace:
///
/// ```text
/// step4: port 9000 on 127.0.0.1 is already in use (is another step still running?). Stop it, or choose another port: --port 9001
/// ```
///
/// ```swift
/// await makeApplication(name: "step1", router: makeRouter(options.server), options: options.server).run()
/// ```
import Foundation
public import Hummingbird
public import Logging
import NIOCore
public import ServiceLifecycle

/// A step's server: the Hummingbird application, and where it was asked to listen.
public struct StepApplication<App: ApplicationProtocol> {
    public let app: App
    public let name: String
    public let host: String
    public let port: Int

    /// The server's logger (its level from `--log-level`).
    public var logger: Logger { app.logger }

    /// Serves until SIGTERM or SIGINT. A failure to start (a busy port, a host that is not this
    /// machine's) is one line on standard error and exit status 1.
    public func run() async {
        do {
            try await app.runService()
            logger.info("\(name) stopped")
        } catch {
            ConsoleOutput.standardError.flush()
            ConsoleOutput.standardError.write("\(name): \(Self.explain(error, host: host, port: port))\n")
            exit(1)
        }
    }

    /// What went wrong, in words that say what to do.
    static func explain(_ error: any Error, host: String, port: Int) -> String {
        switch (error as? IOError)?.errnoCode {
        case EADDRINUSE:
            return "port \(port) on \(host) is already in use (is another step still running?). "
                + "Stop it, or choose another port: --port \(port == 65535 ? port - 1 : port + 1)"
        case EACCES:
            return
                "not allowed to listen on port \(port) (ports below 1024 need privileges); choose another with --port"
        case EADDRNOTAVAIL:
            return "\(host) is not an address of this machine; use --host 127.0.0.1 (or 0.0.0.0 for every interface)"
        default:
            return "could not serve on \(host):\(port): \(error)"
        }
    }
}

public func makeApplication<Context: Hummingbird.RequestContext>(
    name: String,
    router: Router<Context>,
    options: ServerOptions,
    port: Int? = nil,
    services: [any Service] = []
) -> StepApplication<some ApplicationProtocol> where Context: InitializableFromSource<ApplicationRequestContextSource> {
    var logger = Logger(label: name, factory: { ConsoleLogHandler(label: $0) })
    logger.logLevel = options.resolvedLogLevel
    let host = options.host
    let port = port ?? options.listenPort
    let app = Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: name),
        services: services,
        onServerRunning: { [logger] channel in
            let port = channel.localAddress?.port ?? 0
            logger.info("\(name) listening on http://\(host):\(port) — try: curl http://\(host):\(port)/health")
        },
        logger: logger
    )
    return StepApplication(app: app, name: name, host: host, port: port)
}
