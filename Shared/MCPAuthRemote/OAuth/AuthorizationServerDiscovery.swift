/// Finding an authorization server's metadata from its issuer URL.
///
/// Introduced in step 10 (the server, to find `jwks_uri`); the client of step 11
/// discovers the same way. For an issuer with a path, such as
/// `http://localhost:8080/realms/mcp-realm`, the URLs are tried in the order
/// MCP 2025-11-25 gives:
///
/// 1. RFC 8414, path inserted: `http://localhost:8080/.well-known/oauth-authorization-server/realms/mcp-realm`
/// 2. OpenID Connect, path inserted: `http://localhost:8080/.well-known/openid-configuration/realms/mcp-realm`
/// 3. OpenID Connect, appended: `http://localhost:8080/realms/mcp-realm/.well-known/openid-configuration` (Keycloak's)
///
/// The first document that parses is checked: its `issuer` must be exactly the
/// issuer asked for (RFC 8414 §3.3), or it is refused. When the server cannot be
/// reached at all (refused, timed out), the other URLs, on the same host, are
/// not tried: the failure is said at once, in a few words.
///
/// - SeeAlso: RFC 8414 §3; OpenID Connect Discovery 1.0 §4; MCP 2025-11-25 Authorization › Authorization Server Metadata Discovery
import AsyncHTTPClient
import Foundation
public import MCPAuth
import NIOCore
import NIOHTTP1

public struct AuthorizationServerDiscovery: Sendable {
    let http: HTTPClient
    let timeout: TimeAmount

    public init(http: HTTPClient = Self.failFastClient, timeout: TimeAmount = .seconds(5)) {
        self.http = http
        self.timeout = timeout
    }

    /// An HTTP client that reports a refused connection at once. AsyncHTTPClient retries connection
    /// establishment until the request's deadline by default, so a server that is down would cost the
    /// whole timeout per URL, and a server shutting down would wait for it.
    public static let failFastClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(3)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Why discovery failed, with each URL tried.
    public struct Failure: Error, CustomStringConvertible {
        public let issuer: String
        public let attempts: [String]
        public var description: String { "No usable metadata for \(issuer): " + attempts.joined(separator: "; ") }
    }

    /// The metadata URLs for `issuer`, in the order they are tried.
    public static func metadataURLs(for issuer: String) -> [String] {
        guard let components = URLComponents(string: issuer), let scheme = components.scheme, let host = components.host
        else { return [] }
        let origin = "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")"
        let path = components.path == "/" ? "" : components.path
        if path.isEmpty {
            return [origin + AuthorizationServerMetadata.wellKnownPath, origin + "/.well-known/openid-configuration"]
        }
        return [
            origin + AuthorizationServerMetadata.wellKnownPath + path,
            origin + "/.well-known/openid-configuration" + path,
            issuer + "/.well-known/openid-configuration",
        ]
    }

    /// The metadata of `issuer`.
    ///
    /// - Throws: ``Failure`` listing what each URL answered.
    public func metadata(for issuer: String) async throws -> AuthorizationServerMetadata {
        var attempts: [String] = []
        for url in Self.metadataURLs(for: issuer) {
            do {
                let metadata = try await getJSON(AuthorizationServerMetadata.self, from: url)
                guard metadata.issuer == issuer else {
                    attempts.append("\(url): issuer is \(metadata.issuer), not \(issuer)")
                    continue
                }
                return metadata
            } catch {
                attempts.append("\(url): \(Self.describe(error))")
                if Self.isUnreachable(error) { break }
            }
        }
        throw Failure(issuer: issuer, attempts: attempts)
    }

    /// Whether `error` says the host could not be reached at all (as opposed to an answer that was wrong).
    static func isUnreachable(_ error: any Error) -> Bool {
        !(error is HTTPStatusError || error is DecodingError || (error as? HTTPClientError) == .remoteConnectionClosed)
    }

    /// `error` in a few words: `connection refused`, `timed out`, `HTTP 404`, `not JSON metadata`.
    public static func describe(_ error: any Error) -> String {
        if let status = error as? HTTPStatusError { return status.description }
        if error is DecodingError { return "not a JSON document of the expected shape" }
        if let client = error as? HTTPClientError, [.deadlineExceeded, .connectTimeout, .readTimeout].contains(client) {
            return "timed out"
        }
        let text = "\(error)"
        for (needle, words) in [
            ("Connection refused", "connection refused"), ("No route to host", "no route to host"),
            ("lookup", "host name not found"), ("Network is unreachable", "network unreachable"),
        ] where text.contains(needle) {
            return words
        }
        return text
    }

    /// A JSON document from `url` (1 MiB at most), or an error naming the status.
    public func getJSON<T: Decodable>(_ type: T.Type, from url: String) async throws -> T {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await http.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw HTTPStatusError(status: Int(response.status.code)) }
        return try JSONDecoder().decode(T.self, from: Data(buffer: body))
    }

    struct HTTPStatusError: Error, CustomStringConvertible {
        let status: Int
        var description: String { "HTTP \(status)" }
    }
}
