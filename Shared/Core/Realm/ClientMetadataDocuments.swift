/// Client ID Metadata Documents: a client whose `client_id` is a URL, where a JSON document describes it.
///
/// Introduced in step 9 (MCP 2025-11-25 Authorization › Client ID Metadata Documents). A client that has never
/// registered names itself by an HTTPS URL it controls; the realm server fetches the document there when the client
/// shows up, and treats it as a public client (`token_endpoint_auth_method` `none`, PKCE as always) with the
/// document's name and redirect URIs. Fetching a URL a stranger chose is a server-side request forgery risk, so:
///
/// | what | refused when |
/// |---|---|
/// | the `client_id` | not `https` (`http` on loopback only in dev mode), no path, a query, a fragment, user info, a `.` or `..` segment, over 2048 bytes |
/// | its host | any of its addresses is private, loopback, link-local, shared, multicast or reserved (loopback allowed in dev mode) |
/// | the answer | not 200 (a redirect is not followed), over 5 KiB, later than 5 s |
/// | the document | not a JSON object; its `client_id` is not the URL exactly; no `redirect_uris`, or one that is not https or loopback http; a `client_secret`, or an auth method other than `none` |
///
/// A document is kept for its `Cache-Control: max-age` (at least 1 min, at most 1 h; 5 min without one), and the
/// cache holds at most 1000. The host's addresses are checked just before the fetch, which resolves the name again:
/// a name that changes its answer between the two (DNS rebinding) could still reach an address checked out of; run the
/// realm server where such addresses hold nothing a stranger may read.
///
/// ```swift
/// let documents = ClientMetadataDocuments(fetch: { url in … GET it, no redirects … })
/// let server = try await RealmServer(realm: realm, baseURL: "http://localhost:8080", clientDocuments: documents)
/// ```
///
/// - SeeAlso: draft-ietf-oauth-client-id-metadata-document §3–6, MCP 2025-11-25 Authorization
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct ClientMetadataDocuments: Sendable {
    /// What a fetch of a document gave: its status, its body (at most ``maximumSize`` bytes read), its
    /// `Cache-Control`.
    public struct Fetched: Sendable {
        public let status: Int
        public let body: Data
        public let cacheControl: String?

        public init(status: Int, body: Data, cacheControl: String? = nil) {
            self.status = status
            self.body = body
            self.cacheControl = cacheControl
        }
    }

    /// GETs a URL already checked, following no redirect, reading little more than ``maximumSize`` bytes (the whole
    /// fetch is cut off at `timeout` here).
    public typealias Fetch = @Sendable (_ url: String) async throws -> Fetched

    public static let maximumSize = 5 * 1024
    static let maximumCached = 1000

    let fetch: Fetch
    /// Dev mode: `http` and loopback addresses are let through (`step11 --demo --cimd` serves its document on
    /// loopback). Never for a server others reach.
    let allowsLoopback: Bool
    let cache: Cache
    let now: @Sendable () -> Date
    /// How long a fetch may take: 5 s.
    let timeout: Duration

    public init(
        allowsLoopback: Bool = false, timeout: Duration = .seconds(5), now: @escaping @Sendable () -> Date = Date.init,
        fetch: @escaping Fetch
    ) {
        self.fetch = fetch
        self.timeout = timeout
        self.allowsLoopback = allowsLoopback
        self.cache = Cache()
        self.now = now
    }

    /// Whether `clientID` names a document rather than a registered client: it is an http(s) URL.
    public static func isDocumentURL(_ clientID: String) -> Bool {
        clientID.hasPrefix("https://") || clientID.hasPrefix("http://")
    }

    /// The client `url`'s document describes, from the cache or fetched now.
    ///
    /// - Throws: ``ClientMetadataError`` saying why the document is not used.
    func client(_ url: String, realm: Realm) async throws(ClientMetadataError) -> RealmClient {
        if let cached = await cache.client(url, at: now()) { return cached }
        let host = try checkURL(url)
        try await checkAddresses(of: host)
        let fetched: Fetched
        do {
            fetched = try await withThrowingTaskGroup(of: Fetched?.self) { [fetch, timeout] group in
                group.addTask { try await fetch(url) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let fetched = first else { throw FetchTimedOut() }
                return fetched
            }
        } catch is FetchTimedOut {
            throw .unreachable("no answer within \(timeout)")
        } catch {
            throw .unreachable("\(error)")
        }
        guard fetched.status == 200 else { throw .unreachable("HTTP \(fetched.status)") }
        guard fetched.body.count <= Self.maximumSize else { throw .invalidDocument("it is over 5 KiB") }
        let client = try Self.client(from: fetched.body, url: url, realm: realm, allowsLoopback: allowsLoopback)
        let now = now()
        await cache.keep(client, for: url, until: now.addingTimeInterval(Self.lifetime(fetched.cacheControl)), at: now)
        return client
    }

    struct FetchTimedOut: Error {}

    /// The URL rules; its host.
    func checkURL(_ url: String) throws(ClientMetadataError) -> String {
        guard url.utf8.count <= 2048, let components = URLComponents(string: url), let host = components.host,
            !host.isEmpty
        else { throw .invalidURL("not a URL") }
        let loopbackHTTP = allowsLoopback && components.scheme == "http" && LoopbackHost.isLoopbackName(host)
        guard components.scheme == "https" || loopbackHTTP else { throw .invalidURL("it must be https") }
        guard components.user == nil, components.password == nil else { throw .invalidURL("it has user info") }
        guard components.query == nil, components.fragment == nil else {
            throw .invalidURL("it has a query or a fragment")
        }
        let segments = components.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard !components.path.isEmpty, components.path != "/" else { throw .invalidURL("it has no path") }
        guard !segments.contains(where: { $0 == "." || $0 == ".." }) else { throw .invalidURL("it has dot segments") }
        return host
    }

    /// Every address `host` resolves to must be public (loopback too in dev mode).
    func checkAddresses(of host: String) async throws(ClientMetadataError) {
        let name = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let addresses = await Task.detached { NetworkAddress.resolve(name) }.value
        guard !addresses.isEmpty else { throw .unreachable("\(host) does not resolve") }
        for address in addresses where !address.isPublic {
            guard allowsLoopback, address.isLoopback else {
                throw .forbiddenAddress("\(host) resolves to \(address), which is not a public address")
            }
        }
    }

    /// The client a document describes, checked.
    static func client(
        from body: Data, url: String, realm: Realm, allowsLoopback: Bool
    ) throws(ClientMetadataError) -> RealmClient {
        struct Document: Decodable {
            let client_id: String
            let client_name: String?
            let redirect_uris: [String]?
            let grant_types: [String]?
            let token_endpoint_auth_method: String?
            let client_secret: String?
        }
        guard let document = try? JSONDecoder().decode(Document.self, from: body) else {
            throw .invalidDocument("it is not a JSON object with a client_id")
        }
        guard document.client_id == url else {
            throw .invalidDocument("its client_id is \(LogSafe.clip(document.client_id)), not its URL")
        }
        guard document.client_secret == nil, (document.token_endpoint_auth_method ?? "none") == "none" else {
            throw .invalidDocument("only public clients (token_endpoint_auth_method none) are supported")
        }
        guard let redirectURIs = document.redirect_uris, !redirectURIs.isEmpty, redirectURIs.count <= 10 else {
            throw .invalidDocument("it must list 1 to 10 redirect_uris")
        }
        for uri in redirectURIs {
            guard let components = URLComponents(string: uri), let host = components.host, components.fragment == nil,
                components.scheme == "https" || (components.scheme == "http" && LoopbackHost.isLoopbackName(host))
            else { throw .invalidDocument("redirect URI \(LogSafe.clip(uri)) is not https or loopback http") }
        }
        let grants = Set(document.grant_types ?? ["authorization_code"]).intersection([
            "authorization_code", "refresh_token",
        ])
        guard grants.contains("authorization_code") else {
            throw .invalidDocument("its grant_types do not include authorization_code")
        }
        let name = document.client_name.map { String($0.prefix(200)) }
        return RealmClient(
            clientID: url, name: name, isPublic: true, secret: nil, redirectURIs: redirectURIs,
            grantTypes: grants.union(["refresh_token"]), defaultScopes: realm.defaultScopes,
            optionalScopes: realm.optionalScopes)
    }

    /// How long to keep a document: its `max-age`, between 1 min and 1 h; 5 min without one.
    static func lifetime(_ cacheControl: String?) -> TimeInterval {
        let maxAge = cacheControl?.split(separator: ",").lazy
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .first { $0.hasPrefix("max-age=") }
            .flatMap { TimeInterval($0.dropFirst("max-age=".count)) }
        return min(max(maxAge ?? 300, 60), 3600)
    }

    /// Documents fetched, until they expire.
    actor Cache {
        private var entries: [String: (client: RealmClient, expiresAt: Date)] = [:]

        func client(_ url: String, at now: Date) -> RealmClient? {
            guard let entry = entries[url], entry.expiresAt > now else { return nil }
            return entry.client
        }

        func keep(_ client: RealmClient, for url: String, until expiresAt: Date, at now: Date) {
            if entries.count >= ClientMetadataDocuments.maximumCached {
                entries = entries.filter { $0.value.expiresAt > now }
                if entries.count >= ClientMetadataDocuments.maximumCached,
                    let oldest = entries.min(by: { $0.value.expiresAt < $1.value.expiresAt })
                {
                    entries[oldest.key] = nil
                }
            }
            entries[url] = (client, expiresAt)
        }
    }
}

/// Why a client's metadata document is not used; said on the error page and in the log.
public enum ClientMetadataError: Error, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case forbiddenAddress(String)
    case unreachable(String)
    case invalidDocument(String)

    public var description: String {
        switch self {
        case .invalidURL(let reason): "The client_id URL is refused: \(reason)."
        case .forbiddenAddress(let reason): "The client_id URL is refused: \(reason)."
        case .unreachable(let reason): "The client's metadata document could not be fetched: \(reason)."
        case .invalidDocument(let reason): "The client's metadata document is refused: \(reason)."
        }
    }
}

/// An IP address, as a host name resolves to it, and whether a stranger may make this server fetch from it.
struct NetworkAddress: CustomStringConvertible, Equatable {
    /// 4 bytes (IPv4) or 16 (IPv6).
    let bytes: [UInt8]

    /// The addresses `host` resolves to (an IP literal to itself); none when it does not resolve.
    static func resolve(_ host: String) -> [NetworkAddress] {
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, nil, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [NetworkAddress] = []
        for info in sequence(first: first, next: { $0.pointee.ai_next }) {
            guard let address = info.pointee.ai_addr else { continue }
            switch info.pointee.ai_family {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    var raw = $0.pointee.sin_addr
                    addresses.append(NetworkAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) }))
                }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    var raw = $0.pointee.sin6_addr
                    addresses.append(NetworkAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) }))
                }
            default: continue
            }
        }
        return addresses
    }

    var isLoopback: Bool {
        if bytes.count == 4 { return bytes[0] == 127 }
        if let v4 = embeddedIPv4 { return v4.isLoopback }
        return bytes == Array(repeating: 0, count: 15) + [1]
    }

    /// Not private, loopback, link-local, shared (CGNAT), documentation, benchmarking, multicast or reserved.
    var isPublic: Bool {
        if bytes.count == 4 {
            let (a, b, c) = (bytes[0], bytes[1], bytes[2])
            switch a {
            case 0, 10, 127: return false
            case 100 where (64..<128).contains(b): return false
            case 169 where b == 254: return false
            case 172 where (16..<32).contains(b): return false
            case 192 where b == 168 || (b == 0 && (c == 0 || c == 2)): return false
            case 198 where b == 18 || b == 19 || (b == 51 && c == 100): return false
            case 203 where b == 0 && c == 113: return false
            case 224...: return false
            default: return true
            }
        }
        if let v4 = embeddedIPv4 { return v4.isPublic }
        if bytes.allSatisfy({ $0 == 0 }) || isLoopback { return false }
        if bytes[0] & 0xfe == 0xfc { return false }  // fc00::/7, unique local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return false }  // fe80::/10, link-local
        if bytes[0] == 0xff { return false }  // multicast
        if bytes[0...3] == [0x20, 0x01, 0x0d, 0xb8] { return false }  // 2001:db8::/32, documentation
        return true
    }

    /// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`) or NAT64 (`64:ff9b::a.b.c.d`) IPv6 address.
    var embeddedIPv4: NetworkAddress? {
        guard bytes.count == 16 else { return nil }
        let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
        let nat64 = bytes[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]
        return mapped || nat64 ? NetworkAddress(bytes: Array(bytes[12...])) : nil
    }

    var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}
