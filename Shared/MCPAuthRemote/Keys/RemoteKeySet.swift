/// The authorization server's signing keys: discovered, fetched, cached, kept fresh.
///
/// Introduced in step 10, the second ``VerificationKeyProvider`` (step 6's
/// ``LocalKeySet`` reads a file). It finds `jwks_uri` by discovery from the
/// issuer, fetches the JWKS, and then:
///
/// - serves every request from memory: no network call while keys are warm;
/// - refreshes in the background every `jwksCacheSeconds` (300 s), and the
///   metadata every `metadataCacheSeconds` (3600 s); it runs as a `Service`, so
///   it stops with the server;
/// - on a `kid` it does not know (the server rotated keys), refetches once, at
///   most once every 30 s however many such tokens arrive, then answers;
/// - when the server is unreachable, says so at once in the log (URL and
///   reason), keeps the last good keys (``KeySetStatus`` says they are stale)
///   and retries after 1 s, 2 s, 4 s … up to 30 s, logging each retry;
/// - with no keys ever fetched, answers ``AuthFailure/keysUnavailable(_:)``
///   (503), never a 401 that would blame the token.
///
/// ```swift
/// let keys = RemoteKeySet(issuer: "http://localhost:8080/realms/mcp-realm")
/// let verifier = TokenVerifier(keys: keys, issuers: [keys.issuer], audiences: ["echo-mcp-server"])
/// await makeApplication(…, services: [keys]).run()
/// ```
public import Foundation
import Logging
public import MCPAuth
public import ServiceLifecycle
import Synchronization

public actor RemoteKeySet: VerificationKeyProvider, Service {
    public nonisolated let issuer: String
    let discovery: AuthorizationServerDiscovery
    let jwksLifetime: TimeInterval
    let metadataLifetime: TimeInterval
    /// The least time between two refetches caused by unknown `kid`s.
    let unknownKeyInterval: TimeInterval
    let retryInterval: TimeInterval
    let maxRetryInterval: TimeInterval
    let logger: Logger
    let now: @Sendable () -> Date

    /// The keys, behind a lock rather than the actor: a request whose `kid` is known reads them without waiting for it.
    private nonisolated let published = Mutex<[VerificationKey]>([])
    private var keys: [VerificationKey] {
        get { published.withLock { $0 } }
        set { published.withLock { $0 = newValue } }
    }
    private var keysFetchedAt: Date?
    private var metadata: AuthorizationServerMetadata?
    private var metadataFetchedAt: Date?
    private var lastError: String?
    private var consecutiveFailures = 0
    private var lastUnknownKeyRefetch: Date?
    private var refreshing: Task<Void, Never>?
    /// How many times the JWKS was fetched (for tests and benchmarks).
    public private(set) var jwksFetches = 0

    public init(
        issuer: String, discovery: AuthorizationServerDiscovery = AuthorizationServerDiscovery(),
        jwksCacheSeconds: TimeInterval = 300,
        metadataCacheSeconds: TimeInterval = 3600, unknownKeyInterval: TimeInterval = 30,
        retryInterval: TimeInterval = 1,
        maxRetryInterval: TimeInterval = 30, logger: Logger = Logger(label: "keys"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.issuer = issuer
        self.discovery = discovery
        self.jwksLifetime = jwksCacheSeconds
        self.metadataLifetime = metadataCacheSeconds
        self.unknownKeyInterval = unknownKeyInterval
        self.retryInterval = retryInterval
        self.maxRetryInterval = max(maxRetryInterval, retryInterval)
        self.logger = logger
        self.now = now
    }

    // MARK: Request path

    /// A known `kid` is answered from ``published``, on the caller's executor; only an unknown `kid` or no keys at
    /// all enter the actor, which may refetch.
    public nonisolated func key(for kid: String?) async throws(AuthFailure) -> VerificationKey {
        let current = published.withLock { $0 }
        if !current.isEmpty, kid == nil || current.contains(where: { $0.id == kid }) {
            return try LocalKeySet.select(kid, from: current)
        }
        return try await keyAfterRefetch(for: kid)
    }

    private func keyAfterRefetch(for kid: String?) async throws(AuthFailure) -> VerificationKey {
        guard !keys.isEmpty else {
            throw .keysUnavailable(
                "No signing keys from \(issuer) yet (\(lastError ?? "first fetch in progress")); try again shortly")
        }
        if let kid, !keys.contains(where: { $0.id == kid }), mayRefetchForUnknownKey() {
            logger.info("unknown kid \(LogSafe.clip(kid)): refetching the JWKS")
            await refresh()
        }
        return try LocalKeySet.select(kid, from: keys)
    }

    /// True at most once per `unknownKeyInterval`.
    private func mayRefetchForUnknownKey() -> Bool {
        let now = now()
        if let last = lastUnknownKeyRefetch, now.timeIntervalSince(last) < unknownKeyInterval { return false }
        lastUnknownKeyRefetch = now
        return true
    }

    // MARK: Background

    /// Fetches now, then keeps the keys fresh until the server shuts down (at once, even mid-fetch).
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.refresh()
                let delay = await self.nextRefreshDelay()
                try? await Task.sleep(for: .seconds(delay))
            }
        }
    }

    /// The keys' lifetime while all is well; after failures, `retryInterval` doubling up to `maxRetryInterval`.
    func nextRefreshDelay() -> TimeInterval {
        guard consecutiveFailures > 0 else { return jwksLifetime }
        return min(retryInterval * pow(2, Double(min(consecutiveFailures - 1, 30))), maxRetryInterval)
    }

    /// One fetch at a time: callers arriving while one runs wait for it. Cancelling the caller
    /// (the server shutting down) cancels the fetch.
    public func refresh() async {
        if let refreshing {
            await refreshing.value
            return
        }
        let task = Task { await self.fetch() }
        refreshing = task
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        refreshing = nil
    }

    private func fetch() async {
        do {
            let metadata = try await currentMetadata()
            guard let jwksURI = metadata.jwksURI else {
                throw RemoteKeyError("The metadata of \(issuer) names no jwks_uri")
            }
            jwksFetches += 1
            let set: JSONWebKeySet
            do {
                set = try await discovery.getJSON(JSONWebKeySet.self, from: jwksURI)
            } catch {
                throw RemoteKeyError("\(jwksURI): \(AuthorizationServerDiscovery.describe(error))")
            }
            var fetched: [VerificationKey] = []
            for jwk in set.keys {
                if let key = jwk.verificationKey() { fetched.append(key) }
            }
            guard !fetched.isEmpty else { throw RemoteKeyError("\(jwksURI) has no RS256 or ES256 signing key") }
            if Set(fetched.compactMap(\.id)) != Set(keys.compactMap(\.id)) {
                logger.info("signing keys from \(jwksURI): \(fetched.compactMap(\.id).joined(separator: ", "))")
            }
            keys = fetched
            keysFetchedAt = now()
            lastError = nil
            consecutiveFailures = 0
        } catch {
            guard !Task.isCancelled else { return }
            lastError = "\(error)"
            consecutiveFailures += 1
            let kept = keys.isEmpty ? "no keys yet, so tokens get 503" : "keeping the last good keys"
            let retry = String(format: "%g", nextRefreshDelay())
            logger.warning("cannot fetch signing keys: \(lastError ?? ""); \(kept); retrying in \(retry) s")
        }
    }

    private func currentMetadata() async throws -> AuthorizationServerMetadata {
        if let metadata, let fetchedAt = metadataFetchedAt, now().timeIntervalSince(fetchedAt) < metadataLifetime {
            return metadata
        }
        let fresh = try await discovery.metadata(for: issuer)
        metadata = fresh
        metadataFetchedAt = now()
        return fresh
    }

    // MARK: Status

    /// What /health reports about the keys.
    public func status() -> KeySetStatus {
        let age = keysFetchedAt.map { now().timeIntervalSince($0) }
        let state =
            keys.isEmpty ? "unavailable" : (lastError != nil || (age ?? .infinity) > jwksLifetime) ? "stale" : "fresh"
        return KeySetStatus(
            state: state, count: keys.count, ageSeconds: age.map { Int($0) }, lastError: lastError,
            fetches: jwksFetches,
            jwksURI: metadata?.jwksURI)
    }
}

struct RemoteKeyError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
