/// What the realm server remembers between requests: in memory only, gone on restart.
///
/// Introduced in step 9. Login forms in progress, authorization codes (single
/// use, 60 s), refresh tokens (bound to their client, and a public client's
/// to its DPoP key when it sent a proof) and registered clients.
/// Every entry has an expiry and is dropped once past it. A restart forgets
/// everything, which the server says when it starts.
public import Foundation

public actor RealmState {
    /// An authorization request waiting for the user to log in.
    public struct PendingAuthorization: Sendable {
        public let client: RealmClient
        public let redirectURI: String
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
        public let user: RealmUser
        public let scope: [String]
        public let nonce: String?
        public let codeChallenge: String?
        public let resource: String?
        public let sessionID: String
        public let expiresAt: Date
    }

    /// A refresh token's grant: who, for which client, with what.
    public struct RefreshGrant: Sendable {
        public let clientID: String
        public let user: RealmUser?
        public let scope: [String]
        public let resource: String?
        public let sessionID: String
        public let expiresAt: Date
        /// The DPoP key a public client's refresh token is bound to (RFC 9449 §5); nil when unbound.
        public var dpopThumbprint: String? = nil
    }

    /// What presenting a refresh token came to.
    enum RefreshRedemption: Sendable {
        /// The grant, now removed.
        case redeemed(RefreshGrant)
        /// Unknown, expired, or another client's.
        case invalid
        /// Bound to a DPoP key, and no proof came: the token is kept.
        case proofRequired
        /// Bound to another DPoP key than the proof's: the token is kept.
        case otherKey
    }

    private var pending: [String: PendingAuthorization] = [:]
    private var codes: [String: AuthorizationCode] = [:]
    private var refreshTokens: [String: RefreshGrant] = [:]
    private var registered: [String: RealmClient] = [:]
    let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// A random, URL-safe, unguessable handle (256 bits).
    public nonisolated static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64URLEncodedString()
    }

    func remember(_ authorization: PendingAuthorization) -> String {
        prune()
        let id = Self.randomToken()
        pending[id] = authorization
        return id
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

    /// The code's grant, removed so it can never be used again, even if the exchange then fails.
    func redeem(_ code: String) -> AuthorizationCode? {
        guard let grant = codes.removeValue(forKey: code), grant.expiresAt > now() else { return nil }
        return grant
    }

    func issue(_ grant: RefreshGrant) -> String {
        let value = Self.randomToken()
        refreshTokens[value] = grant
        return value
    }

    /// The refresh token's grant if `clientID` holds it, removed: each refresh token is used once and
    /// replaced (rotation). Another client presenting it gets nothing and changes nothing.
    ///
    /// A token bound to a DPoP key (step 10, Going further: DPoP) is redeemed only with a proof of that key
    /// (`dpopThumbprint`); without one, or with another key, nothing changes, so a thief cannot burn it either.
    func redeemRefreshToken(_ token: String, clientID: String, dpopThumbprint: String?) -> RefreshRedemption {
        guard let grant = refreshTokens[token], grant.clientID == clientID else { return .invalid }
        if let bound = grant.dpopThumbprint, grant.expiresAt > now() {
            guard let dpopThumbprint else { return .proofRequired }
            guard dpopThumbprint == bound else { return .otherKey }
        }
        refreshTokens[token] = nil
        return grant.expiresAt > now() ? .redeemed(grant) : .invalid
    }

    func register(_ client: RealmClient) {
        registered[client.clientID] = client
    }

    func registeredClient(_ clientID: String) -> RealmClient? {
        registered[clientID]
    }

    private func prune() {
        let now = now()
        pending = pending.filter { $0.value.expiresAt > now }
        codes = codes.filter { $0.value.expiresAt > now }
        refreshTokens = refreshTokens.filter { $0.value.expiresAt > now }
    }
}
