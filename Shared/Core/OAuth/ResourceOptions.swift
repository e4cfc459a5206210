/// The public URL of this server, which names it as an OAuth protected resource.
///
/// Introduced in step 7. The resource identifier is `<public URL>/mcp`; the
/// metadata documents and the `WWW-Authenticate` challenge are built from it,
/// never from the request's `Host` header (which a client or proxy controls).
///
/// | flag | environment | default |
/// |---|---|---|
/// | `--public-url` | `MCP_SERVER_URL` | `http://localhost:<port>` |
public import ArgumentParser
import Foundation

public struct ResourceOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("public-url"),
        help:
            "The URL clients use to reach this server; the MCP resource is <url>/mcp. (default: $MCP_SERVER_URL, else http://localhost:<port>)"
    )
    public var publicURL: String?

    public init() {}

    /// The server's base URL, without a trailing slash.
    public func serverURL(port: Int) -> String {
        let url = publicURL ?? ProcessInfo.processInfo.environment["MCP_SERVER_URL"] ?? "http://localhost:\(port)"
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    public func validate() throws {
        guard let url = publicURL ?? ProcessInfo.processInfo.environment["MCP_SERVER_URL"] else { return }
        guard let components = URLComponents(string: url),
            ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
            components.host?.isEmpty == false, components.query == nil, components.fragment == nil
        else {
            throw ValidationError("The public URL must be an http(s) URL without query or fragment, got '\(url)'.")
        }
    }
}
