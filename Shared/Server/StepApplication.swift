/// Turning a step's router into a server.
///
/// Introduced in step 1. Every step ends the same way: build the router, hand it
/// to ``makeApplication(name:router:options:)``, run it. The application logs
/// one line once it listens, with the URL to try.
///
/// ```swift
/// let app = makeApplication(name: "step1", router: makeRouter(options.server), options: options.server)
/// try await app.runService()
/// ```
public import Hummingbird
import Logging
public import ServiceLifecycle

public func makeApplication<Context: RequestContext>(
    name: String,
    router: Router<Context>,
    options: ServerOptions,
    port: Int? = nil,
    services: [any Service] = []
) -> some ApplicationProtocol where Context: InitializableFromSource<ApplicationRequestContextSource> {
    var logger = Logger(label: name, factory: { ConsoleLogHandler(label: $0) })
    logger.logLevel = options.resolvedLogLevel
    let host = options.host
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port ?? options.listenPort), serverName: name),
        services: services,
        onServerRunning: { [logger] channel in
            let port = channel.localAddress?.port ?? 0
            logger.info("\(name) listening on http://\(host):\(port) — try: curl http://\(host):\(port)/health")
        },
        logger: logger
    )
}
