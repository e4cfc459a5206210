/// Verifies a bearer token: one signature check, then the claims, all in memory.
///
/// Introduced in step 6. In order, a token is refused (``AuthFailure/invalidToken(_:)``) when:
///
/// 1. it is not three base64url parts with a JSON header, is over 16 KiB, or
///    has a `crit` header or a `typ` other than `JWT` / `at+jwt`;
/// 2. its `kid` names no key we have (or is missing while we have several);
/// 3. its `alg` is not the one the key allows (`none`, and `HS256` with the
///    public key as secret, end here);
/// 4. the signature does not verify (a tampered payload or signature);
/// 5. `exp` is missing, or past by more than the leeway (60 s); `nbf` or `iat`
///    lie in the future by more than the leeway;
/// 6. `iss` is not a trusted issuer, or no `aud` is one of ours;
/// 7. it names no subject (`preferred_username` or `sub`);
/// 8. it has a `cnf` (RFC 7800) this server cannot check: one without a
///    `jkt`, or with another confirmation method besides.
///
/// A token with `cnf.jkt` is bound to a key: the user carries its thumbprint
/// (``AuthenticatedUser/boundKeyThumbprint``), and the middleware decides
/// whether the request proved that key; the bearer middleware of steps 6–8
/// refuses it.
///
/// No file or network I/O happens here: keys come from a
/// ``VerificationKeyProvider`` that loaded them beforehand. The payload is
/// parsed once, after the signature checks out; the header, which all the
/// tokens of one key share, is parsed once per distinct header. A token that passed is
/// remembered by a ``VerifiedTokenCache`` until its `exp`, so a client that
/// repeats its token pays for one signature check, not one per request
/// (`cache: nil` turns that off).
///
/// ```swift
/// let verifier = TokenVerifier(keys: LocalKeySet([key]), issuers: ["mcp-simple-auth"], audiences: ["mcp-server"])
/// let user = try await verifier.verify(token)
/// ```
///
/// - SeeAlso: RFC 7519 §7.2, RFC 8725 (JWT Best Current Practices), RFC 9068 §4
public import Foundation

public struct TokenVerifier: Sendable {
    public let keys: any VerificationKeyProvider
    public let issuers: Set<String>
    public let audiences: Set<String>
    /// Clock skew tolerated on `exp`, `nbf` and `iat`.
    public let leeway: TimeInterval
    /// Verified tokens remembered until they expire; nil checks every token in full.
    public let cache: VerifiedTokenCache?
    let now: @Sendable () -> Date
    /// Off only for the realm server's userinfo endpoint, which accepts its tokens whatever their audience.
    let checksAudience: Bool
    /// Headers already parsed: an issuer's tokens share one header, so its JSON is read once, not once per token.
    let headers = JOSEHeader.Cache()

    public static let maximumTokenSize = 16 * 1024

    public init(
        keys: any VerificationKeyProvider, issuers: Set<String>, audiences: Set<String>, leeway: TimeInterval = 60,
        cache: VerifiedTokenCache? = VerifiedTokenCache(), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            keys: keys, issuers: issuers, audiences: audiences, leeway: leeway, cache: cache, now: now,
            checksAudience: true)
    }

    package init(
        keys: any VerificationKeyProvider, issuers: Set<String>, audiences: Set<String>, leeway: TimeInterval,
        cache: VerifiedTokenCache? = nil, now: @escaping @Sendable () -> Date, checksAudience: Bool
    ) {
        self.keys = keys
        self.issuers = issuers
        self.audiences = audiences
        self.leeway = leeway
        self.cache = cache
        self.now = now
        self.checksAudience = checksAudience
    }

    /// The user `token` vouches for.
    ///
    /// - Throws: ``AuthFailure/invalidToken(_:)`` naming the first rule broken, or
    ///   ``AuthFailure/keysUnavailable(_:)`` when there is no key to check with.
    public func verify(_ token: String) async throws(AuthFailure) -> AuthenticatedUser {
        guard token.utf8.count <= Self.maximumTokenSize else { throw .invalidToken("Token too large") }
        // hashed once, for the lookup and the insertion after a miss
        let cacheKey = cache == nil ? nil : TokenBytes(token)
        if let cache, let cacheKey, let remembered = cache.entry(for: cacheKey, now: now()) {
            if let key = try? await keys.key(for: remembered.keyID), key.fingerprint == remembered.keyFingerprint {
                return remembered.user
            }
            cache.forget(cacheKey)
        }
        guard let jws = CompactJWS(token) else { throw .invalidToken("Invalid token") }
        let header = try headers.header(of: jws)
        let key = try await keys.key(for: header.kid)
        guard header.alg == key.algorithm else {
            throw .invalidToken(
                "Algorithm \(LogSafe.clip(header.alg)) is not allowed for this key (expected \(key.algorithm))")
        }
        guard key.isValidSignature(jws.signature, for: jws.signingInput) else {
            throw .invalidToken("Invalid signature")
        }
        guard let claims = AccessTokenClaims(json: jws.payload) else {
            throw .invalidToken("Token claims are not a JSON object of the registered claim types")
        }
        let user = try user(from: claims, keyID: key.id)
        if let cache, let cacheKey {
            cache.remember(cacheKey, as: user, keyID: header.kid, keyFingerprint: key.fingerprint, now: now())
        }
        return user
    }

    /// Applies the time, issuer and audience rules to verified claims.
    func user(from claims: AccessTokenClaims, keyID: String?) throws(AuthFailure) -> AuthenticatedUser {
        let now = now()
        guard let expiry = claims.exp else { throw .invalidToken("Token has no expiry (exp)") }
        guard now <= expiry.addingTimeInterval(leeway) else { throw .invalidToken("Token expired") }
        if let notBefore = claims.nbf, now.addingTimeInterval(leeway) < notBefore {
            throw .invalidToken("Token not yet valid (nbf)")
        }
        if let issuedAt = claims.iat, now.addingTimeInterval(leeway) < issuedAt {
            throw .invalidToken("Token issued in the future (iat)")
        }
        guard let issuer = claims.iss, issuers.contains(issuer) else { throw .invalidToken("Invalid issuer") }
        if checksAudience {
            guard let audience = claims.aud, !audiences.isDisjoint(with: audience) else {
                throw .invalidToken("Invalid audience")
            }
        }
        guard let name = claims.preferredUsername ?? claims.sub, !name.isEmpty else {
            throw .invalidToken("Token names no subject")
        }
        if let cnf = claims.cnf {
            guard let jkt = cnf.jkt, !jkt.isEmpty, !cnf.hasOtherMethods else {
                throw .invalidToken(
                    "Token is bound to a key by a confirmation method this server cannot check (cnf without jkt)")
            }
        }
        return AuthenticatedUser(
            username: name, subject: claims.sub ?? name, scopes: claims.grantedScopes,
            roles: Set(claims.roles ?? []),
            issuer: issuer, keyID: keyID, expiresAt: expiry, boundKeyThumbprint: claims.cnf?.jkt)
    }
}
