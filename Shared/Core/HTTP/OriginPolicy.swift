/// Which browser origins may talk to the server: the first half of the DNS-rebinding defence.
///
/// Introduced in step 1. The MCP Streamable HTTP transport says servers MUST
/// validate `Origin` to stop a web page from driving a local server through DNS
/// rebinding. The origin is *parsed*, never prefix-matched: scheme `http`, host
/// exactly `localhost`, `127.0.0.1` or `[::1]`, any port (as the posts allow),
/// plus the configured extra origins. So `http://localhost.evil.com`, `null` and
/// `http://127.0.0.1.nip.io` are refused, and so is `https://localhost:3000`
/// unless it is named in `--allowed-origin` / `ALLOWED_ORIGINS`.
///
/// Steps 1 and 2 refuse a request with no `Origin` at all, as the first post
/// does; from step 3 on, non-browser MCP clients (which send none) are let in:
///
/// ```swift
/// OriginPolicy.requireOrigin          // steps 1–2
/// OriginPolicy.allowMissingOrigin     // step 3 on
///     .allowing(options.allowedOrigins)
/// ```
///
/// Pure string parsing; no I/O.
/// - SeeAlso: MCP 2025-06-18, Transports › Streamable HTTP › Security Warning
import Foundation

public struct OriginPolicy: Sendable {
    /// Whether a request without an `Origin` header is let through.
    public var allowsMissingOrigin: Bool
    /// Extra origins allowed exactly, normalised as `scheme://host[:port]`.
    public private(set) var extraOrigins: Set<String>

    public init(allowsMissingOrigin: Bool, extraOrigins: [String] = []) {
        self.allowsMissingOrigin = allowsMissingOrigin
        self.extraOrigins = Set(extraOrigins.compactMap { WebOrigin($0)?.serialised })
    }

    /// Steps 1–2: every request must name its origin.
    public static let requireOrigin = OriginPolicy(allowsMissingOrigin: false)
    /// Step 3 on: requests without `Origin` come from non-browser clients and are allowed.
    public static let allowMissingOrigin = OriginPolicy(allowsMissingOrigin: true)

    /// This policy, also allowing `origins` (e.g. from `ALLOWED_ORIGINS`).
    public func allowing(_ origins: [String]) -> OriginPolicy {
        var policy = self
        policy.extraOrigins.formUnion(origins.compactMap { WebOrigin($0)?.serialised })
        return policy
    }

    /// Checks one request's `Origin` header value.
    ///
    /// - Throws: ``HTTPRequestError/originMissing`` or ``HTTPRequestError/originNotAllowed(_:)`` (403).
    public func check(_ origin: String?) throws(HTTPRequestError) {
        guard let origin else {
            if allowsMissingOrigin { return }
            throw .originMissing
        }
        guard let parsed = WebOrigin(origin) else { throw .originNotAllowed(origin) }
        if parsed.scheme == "http" && LoopbackHost.names.contains(parsed.host)
            || extraOrigins.contains(parsed.serialised)
        {
            return
        }
        throw .originNotAllowed(origin)
    }

}

/// An http(s) origin taken apart: scheme, host (IPv6 in brackets) and port, in lower case.
///
/// An origin has no path, query, fragment or user info; a string with them is not one.
struct WebOrigin: Equatable {
    let scheme: String
    let host: String
    let port: Int?

    init?(_ string: String) {
        guard let components = URLComponents(string: string.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let rawHost = components.host, !rawHost.isEmpty,
            components.path.isEmpty || components.path == "/",
            components.query == nil, components.fragment == nil,
            components.user == nil, components.password == nil
        else { return nil }
        let host = rawHost.lowercased()
        self.scheme = scheme
        self.host = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        // A browser leaves the scheme's default port out of `Origin`.
        self.port = components.port == (scheme == "https" ? 443 : 80) ? nil : components.port
    }

    /// The origin of an http(s) URI such as a redirect URI: its scheme, host and port; nil for another scheme.
    init?(uri: String) {
        guard var components = URLComponents(string: uri) else { return nil }
        (components.path, components.query, components.fragment, components.user, components.password) = (
            "", nil, nil, nil, nil
        )
        guard let string = components.string else { return nil }
        self.init(string)
    }

    /// `scheme://host[:port]`, the form origins are compared in.
    var serialised: String { "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")" }
}

/// The names of this machine's loopback interface as they appear in `Origin` and `Host`.
enum LoopbackHost {
    static let names: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    /// Whether `host` (as a URL gives it, IPv6 with or without brackets) names the loopback interface.
    static func isLoopbackName(_ host: String) -> Bool {
        names.contains(host.lowercased()) || host == "::1"
    }

    /// Whether `address` (a bind address such as `127.0.0.1` or `::1`) is loopback.
    static func isLoopback(bindAddress address: String) -> Bool {
        let host = address.lowercased()
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
