/// A public key a token may be signed with, and the one algorithm it allows.
///
/// Introduced in step 6. The algorithm comes from the key, never from the token:
/// an RSA key verifies `RS256` only, so a token that claims `none`, or `HS256`
/// "signed" with the public key as an HMAC secret, is refused before any
/// signature check. Each key has its own jwt-kit collection holding only it, so
/// jwt-kit cannot fall back to another key for an unknown `kid`.
///
/// ```swift
/// let key = try await VerificationKey.rsa(publicKeyPEM: pem, id: "mcp-key-1")
/// ```
import JWTKit

public struct VerificationKey: Sendable {
    /// The key id (`kid`) tokens name it by.
    public let id: String?
    /// The only `alg` accepted for this key.
    public let algorithm: String
    let verifier: JWTKeyCollection

    init(id: String?, algorithm: String, verifier: JWTKeyCollection) {
        self.id = id
        self.algorithm = algorithm
        self.verifier = verifier
    }

    /// An RS256 key from a PEM public key (SPKI) of at least 2048 bits.
    public static func rsa(publicKeyPEM pem: String, id: String?) async throws -> VerificationKey {
        let key = try Insecure.RSA.PublicKey(pem: pem)
        return VerificationKey(id: id, algorithm: "RS256", verifier: await JWTKeyCollection().add(rsa: key, digestAlgorithm: .sha256))
    }
}

/// Where a ``TokenVerifier`` gets the key for a token's `kid`.
///
/// Introduced in step 6 with ``LocalKeySet`` (keys read once at start). Step 10
/// adds a second implementation that fetches the authorization server's JWKS and
/// keeps it fresh.
public protocol VerificationKeyProvider: Sendable {
    /// The key for `kid`. A token without `kid` is accepted only when there is exactly one key.
    ///
    /// - Throws: ``AuthFailure/invalidToken(_:)`` for an unknown or missing `kid`;
    ///   ``AuthFailure/keysUnavailable(_:)`` when there are no keys at all.
    func key(for kid: String?) async throws(AuthFailure) -> VerificationKey
}

/// A fixed set of keys, loaded at start.
public struct LocalKeySet: VerificationKeyProvider {
    public let keys: [VerificationKey]

    public init(_ keys: [VerificationKey]) {
        self.keys = keys
    }

    public func key(for kid: String?) async throws(AuthFailure) -> VerificationKey {
        try Self.select(kid, from: keys)
    }

    /// The rule both key sources share: match `kid`; without one, only a single key qualifies.
    public static func select(_ kid: String?, from keys: [VerificationKey]) throws(AuthFailure) -> VerificationKey {
        guard !keys.isEmpty else { throw .keysUnavailable("No verification keys are loaded") }
        guard let kid else {
            guard keys.count == 1 else { throw .invalidToken("Token has no kid, and more than one key could have signed it") }
            return keys[0]
        }
        guard let key = keys.first(where: { $0.id == kid }) else {
            throw .invalidToken("Unknown signing key (kid \(LogSafe.clip(kid)))")
        }
        return key
    }
}
