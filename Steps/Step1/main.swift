/// Step 1 — an HTTP server with a health endpoint, behind the DNS-rebinding defence.
///
/// New here: `GET /health`, and two checks every later step keeps: the `Origin`
/// header is parsed and must be localhost (or configured), and while bound to
/// loopback the `Host` header must name this machine. In this step a request
/// without `Origin` is refused (except on /health), as in the first post.
///
/// Read: Shared/Core/HTTP/OriginPolicy.swift, Shared/Core/HTTP/OriginValidationMiddleware.swift,
///       Shared/Core/HTTP/HostValidationMiddleware.swift
import ArgumentParser
import Hummingbird
import Shared

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step1", abstract: "Step 1: a health endpoint behind Origin and Host validation.")
    @OptionGroup var server: ServerOptions
}

// MARK: Router

func makeRouter(_ server: ServerOptions) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: HostValidationMiddleware(bindAddress: server.host, allowedHosts: server.allowedHosts))
    router.add(
        middleware: OriginValidationMiddleware(policy: OriginPolicy.requireOrigin.allowing(server.allowedOrigins)))
    router.get("/health") { _, _ in HealthStatus() }
    return router
}

// MARK: Run

let options = Options.parseOrExit()
await makeApplication(name: "step1", router: makeRouter(options.server), options: options.server).run()
