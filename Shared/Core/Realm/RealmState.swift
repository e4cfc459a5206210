/// What the realm server remembers between requests: in memory only, gone on restart.
///
/// Introduced in step 9. Login forms in progress, authorization codes (single
/// use, 60 s), refresh tokens (bound to their client, and a public client's
/// to the key it proved) and registered clients.
/// Every entry has an expiry and is dropped once past it. A restart forgets
/// everything, which the server says when it starts.
///
/// Every token descends from one grant, a *session*: a login that gave a code,
/// or a password grant. A code presented a second time, or a rotated refresh
/// token presented again, means one of the two presenters is a thief, and the
/// server cannot tell which: the whole session is revoked (its refresh tokens
/// are dropped, and its access tokens are refused by `userinfo`), as RFC 9700
/// §4.14.2 and RFC 6749 §4.1.2 ask. A session also ends at its absolute
/// lifetime, however often its refresh token is rotated.
public import Foundation

public actor RealmState {
    /// An authorization request waiting for the user to log in.
    public struct PendingAuthorization: Sendable {
        public let client: RealmClient
        public let redirectURI: String
        /// Whether the request named `redirect_uri` (RFC 6749 §4.1.3: then the token request must name it too).
        public let redirectURIGiven: Bool
        public let scope: [String]
        public let state: String?
        public let nonce: String?
        public let codeChallenge: String?
        public let resource: String?
        public let expiresAt: Date
    }

    /// An issued authorization code and everything it was issued for.
    public struct AuthorizationCode: Sendable {
        public let clientID: String
        public let redirectURI: String
        public let redirectURIGiven: Bool
        public let user: RealmUser
        public let scope: [String]
        public let nonce: String?
        public let codeChallenge: String?
        public let resource: String?
        public let sessionID: String
        /// When the session began (the login), for its absolute lifetime.
        public let sessionStartedAt: Date
        public let expiresAt: Date
    }

    /// A refresh token's grant: who, for which client, with what.
    public struct RefreshGrant: Sendable {
        public let clientID: String
        public let user: RealmUser?
        public let scope: [String]
        public let resource: String?
        public let sessionID: String
        public let sessionStartedAt: Date
        public let expiresAt: Date
        /// The key a public client's refresh token is bound to (its thumbprint); nil when unbound.
        public var boundKeyThumbprint: String? = nil
    }

    /// What presenting an authorization code came to.
    enum CodeRedemption: Sendable {
        /// The code's grant, now used up.
        case redeemed(AuthorizationCode)
        /// Unknown or expired.
        case invalid
        /// Used before: its session is now revoked, with every token issued from it.
        case replayed(AuthorizationCode)
    }

    /// What presenting a refresh token came to.
    enum RefreshRedemption: Sendable {
        /// The grant, now removed.
        case redeemed(RefreshGrant)
        /// Unknown, expired, another client's, or of a revoked session.
        case invalid
        /// Rotated before, by this client: its session is now revoked, with every token issued from it.
        case reused(RefreshGrant)
        /// Bound to a key, and no proof came: the token is kept.
        case proofRequired
        /// Bound to another key than the proof's: the token is kept.
        case otherKey
    }

    private var pending: [String: PendingAuthorization] = [:]
    private var codes: [String: AuthorizationCode] = [:]
    private var refreshTokens: [String: RefreshGrant] = [:]
    /// Codes and refresh tokens already used, kept until they would have expired, to recognise a second use.
    private var usedCodes: [String: AuthorizationCode] = [:]
    private var rotatedRefreshTokens: [String: RefreshGrant] = [:]
    /// Revoked sessions, until their absolute lifetime ends (no token of theirs outlives it).
    private var revokedSessions: [String: Date] = [:]
    private var registered: [String: RealmClient] = [:]
    /// When each registered client was registered, for the cap and the expiry.
    private var registeredAt: [String: Date] = [:]
    /// Failed logins per user and client, for throttling (Keycloak's brute-force detection is the model).
    private var failures: [FailureKey: Failures] = [:]

    /// How many of each kind of entry are kept at most: a flood of requests fills the table, not the memory.
    public static let maximumPending = 1000
    public static let maximumRegistered = 1000
    public static let maximumFailureEntries = 10000
    /// How long a registered client lives (a client that still runs registers again).
    public static let registrationLifetime: TimeInterval = 24 * 3600
    /// Failed attempts let through before the waits begin; each failure after them doubles the wait, up to 15 min.
    public static let freeFailures = 5
    public static let maximumWait: TimeInterval = 900

    /// Whose failed logins are counted together: a username (known or not) through a client.
    public struct FailureKey: Hashable, Sendable {
        public let username: String
        public let clientID: String
    }

    struct Failures {
        var count: Int
        var last: Date
        var lockedUntil: Date
    }
    let now: @Sendable () -> Date
    /// How long a session lives at most (the realm's `ssoSessionMaxLifespan`).
    let sessionMaxLifespan: TimeInterval

    public init(sessionMaxLifespan: TimeInterval = 36000, now: @escaping @Sendable () -> Date = { Date() }) {
        self.sessionMaxLifespan = sessionMaxLifespan
        self.now = now
    }

    /// A random, URL-safe, unguessable handle (256 bits).
    public nonisolated static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64URLEncodedString()
    }

    func remember(_ authorization: PendingAuthorization) -> String {
        prune()
        if pending.count >= Self.maximumPending,
            let oldest = pending.min(by: { $0.value.expiresAt < $1.value.expiresAt })
        {
            pending[oldest.key] = nil
        }
        let id = Self.randomToken()
        pending[id] = authorization
        return id
    }

    /// Whether a login for `key` may be tried now (false while a wait after repeated failures lasts).
    func mayTry(_ key: FailureKey) -> Bool {
        guard let entry = failures[key] else { return true }
        return entry.lockedUntil <= now()
    }

    /// Counts a failed login for `key`; past ``freeFailures``, the next try waits 1 s, 2 s, 4 s … up to 15 min.
    func recordFailure(_ key: FailureKey) {
        let now = now()
        if failures[key] == nil, failures.count >= Self.maximumFailureEntries {
            failures = failures.filter { now.timeIntervalSince($0.value.last) < Self.maximumWait }
            if failures.count >= Self.maximumFailureEntries,
                let oldest = failures.min(by: { $0.value.last < $1.value.last })
            {
                failures[oldest.key] = nil
            }
        }
        var entry = failures[key] ?? Failures(count: 0, last: now, lockedUntil: now)
        entry.count += 1
        entry.last = now
        if entry.count >= Self.freeFailures {
            let wait = min(pow(2, Double(min(entry.count - Self.freeFailures, 20))), Self.maximumWait)
            entry.lockedUntil = now.addingTimeInterval(wait)
        }
        failures[key] = entry
    }

    /// A successful login clears `key`'s failures.
    func recordSuccess(_ key: FailureKey) {
        failures[key] = nil
    }

    func pendingAuthorization(_ id: String) -> PendingAuthorization? {
        guard let authorization = pending[id], authorization.expiresAt > now() else { return nil }
        return authorization
    }

    func finish(_ id: String) {
        pending[id] = nil
    }

    func issue(_ code: AuthorizationCode) -> String {
        let value = Self.randomToken()
        codes[value] = code
        return value
    }

    /// The code's grant, used up so it can never be used again, even if the exchange then fails. A code used before
    /// revokes its session (RFC 6749 §4.1.2: the tokens issued from it too).
    func redeem(_ code: String) -> CodeRedemption {
        if let used = usedCodes[code] {
            revoke(session: used.sessionID, until: used.sessionStartedAt)
            return .replayed(used)
        }
        guard let grant = codes.removeValue(forKey: code) else { return .invalid }
        usedCodes[code] = grant
        return grant.expiresAt > now() ? .redeemed(grant) : .invalid
    }

    /// Whether the session `id` was revoked (its access tokens are refused where the realm checks them).
    func isRevoked(session id: String) -> Bool {
        revokedSessions[id] != nil
    }

    /// Revokes session `id`: its refresh tokens are dropped, and it is remembered as revoked.
    private func revoke(session id: String, until startedAt: Date) {
        refreshTokens = refreshTokens.filter { $0.value.sessionID != id }
        revokedSessions[id] = startedAt.addingTimeInterval(sessionMaxLifespan)
    }

    func issue(_ grant: RefreshGrant) -> String {
        prune()
        let value = Self.randomToken()
        refreshTokens[value] = grant
        return value
    }

    /// The refresh token's grant if `clientID` holds it, removed: each refresh token is used once and
    /// replaced (rotation). Another client presenting it gets nothing and changes nothing.
    ///
    /// A token bound to a key is redeemed only with a proof of that key
    /// (`boundKeyThumbprint`); without one, or with another key, nothing changes, so a thief cannot burn it either.
    ///
    /// A token this client rotated before revokes its session (RFC 9700 §4.14.2): whoever presents it, the thief or
    /// the client, the other one holds the newer token, and neither may go on.
    func redeemRefreshToken(_ token: String, clientID: String, boundKeyThumbprint: String?) -> RefreshRedemption {
        if let rotated = rotatedRefreshTokens[token], rotated.clientID == clientID {
            revoke(session: rotated.sessionID, until: rotated.sessionStartedAt)
            return .reused(rotated)
        }
        guard let grant = refreshTokens[token], grant.clientID == clientID, !isRevoked(session: grant.sessionID) else {
            return .invalid
        }
        if let bound = grant.boundKeyThumbprint, grant.expiresAt > now() {
            guard let boundKeyThumbprint else { return .proofRequired }
            guard boundKeyThumbprint == bound else { return .otherKey }
        }
        refreshTokens[token] = nil
        rotatedRefreshTokens[token] = grant
        return grant.expiresAt > now() ? .redeemed(grant) : .invalid
    }

    /// Keeps `client` for ``registrationLifetime``; at ``maximumRegistered``, the oldest registration makes room. The
    /// realm file's clients are not here, so no flood of registrations can push them out.
    func register(_ client: RealmClient) {
        prune()
        if registered.count >= Self.maximumRegistered, let oldest = registeredAt.min(by: { $0.value < $1.value }) {
            registered[oldest.key] = nil
            registeredAt[oldest.key] = nil
        }
        registered[client.clientID] = client
        registeredAt[client.clientID] = now()
    }

    /// Whether a client registered and not yet expired lets a browser at `origin` call the realm.
    func registeredClientAllows(webOrigin origin: String) -> Bool {
        let now = now()
        return registered.values.contains { client in
            client.allowsWebOrigin(origin)
                && registeredAt[client.clientID].map { now.timeIntervalSince($0) < Self.registrationLifetime } == true
        }
    }

    func registeredClient(_ clientID: String) -> RealmClient? {
        guard let at = registeredAt[clientID], now().timeIntervalSince(at) < Self.registrationLifetime else {
            return nil
        }
        return registered[clientID]
    }

    private func prune() {
        let now = now()
        pending = pending.filter { $0.value.expiresAt > now }
        codes = codes.filter { $0.value.expiresAt > now }
        refreshTokens = refreshTokens.filter { $0.value.expiresAt > now }
        usedCodes = usedCodes.filter { $0.value.sessionStartedAt.addingTimeInterval(sessionMaxLifespan) > now }
        rotatedRefreshTokens = rotatedRefreshTokens.filter { $0.value.expiresAt > now }
        revokedSessions = revokedSessions.filter { $0.value > now }
        let expired = registeredAt.filter { now.timeIntervalSince($0.value) >= Self.registrationLifetime }.keys
        for clientID in expired {
            registered[clientID] = nil
            registeredAt[clientID] = nil
        }
    }
}
