/// Refuses requests whose `Host` names another server: the second half of the DNS-rebinding defence.
///
/// Introduced in step 1. A DNS-rebinding page reaches `127.0.0.1` under its own
/// name (`Host: evil.example`). While the server is bound to a loopback address,
/// only `localhost`, `127.0.0.1` and `[::1]` (any port) are accepted, plus the
/// configured extra hosts; anything else gets 421 Misdirected Request. Bound to
/// another address, the check applies only when extra hosts are configured.
/// A request without `Host` (HTTP/1.0) is let through: it names no one.
///
/// ```swift
/// router.add(middleware: HostValidationMiddleware(bindAddress: options.host, allowedHosts: options.allowedHosts))
/// ```
///
/// Throws ``HTTPRequestError/hostNotAllowed(_:)`` (421).
public import Hummingbird

public struct HostValidationMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    /// Allowed host names in lower case, without port; nil when the check is off.
    let allowedNames: Set<String>?

    public init(bindAddress: String, allowedHosts: [String] = []) {
        let extra = allowedHosts.map { Self.hostName(of: $0) }
        if LoopbackHost.isLoopback(bindAddress: bindAddress) || !extra.isEmpty {
            allowedNames = LoopbackHost.names.union(extra)
        } else {
            allowedNames = nil
        }
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let allowedNames, let host = request.head.authority,
            !allowedNames.contains(Self.hostName(of: host))
        {
            context.logger.notice("refused \(request.method) \(request.uri.path): Host \(host) is not this server")
            throw HTTPRequestError.hostNotAllowed(host)
        }
        return try await next(request, context)
    }

    /// `host[:port]` → `host`, lower-cased; IPv6 literals keep their brackets.
    static func hostName(of hostAndPort: String) -> String {
        let utf8 = hostAndPort.utf8
        let end =
            if utf8.first == UInt8(ascii: "["), let bracket = utf8.firstIndex(of: UInt8(ascii: "]")) {
                utf8.index(after: bracket)
            } else {
                utf8.firstIndex(of: UInt8(ascii: ":")) ?? utf8.endIndex
            }
        return hostAndPort[..<end].lowercased()
    }
}
