/// A public key a token may be signed with, and the one algorithm it allows.
///
/// Introduced in step 6. The algorithm comes from the key, never from the token:
/// an RSA key verifies `RS256` only, an EC P-256 key `ES256` only, so a token
/// that claims `none`, or `HS256` "signed" with the public key as an HMAC
/// secret, is refused before any signature check. The check itself is one call
/// into swift-crypto (BoringSSL) on the token's bytes: no JWT library sits on
/// the request path, so nothing can fall back to another key or parse the
/// payload a second time.
///
/// ```swift
/// let key = try VerificationKey.rsa(publicKeyPEM: pem, id: "mcp-key-1")
/// key.isValidSignature(signature, for: signingInput)  // RS256: RSASSA-PKCS1-v1_5 with SHA-256
/// ```
///
/// - SeeAlso: RFC 7518 §3.3 (RS256), §3.4 (ES256)
public import Crypto
public import CryptoExtras
public import Foundation

public struct VerificationKey: Sendable {
    /// The key id (`kid`) tokens name it by.
    public let id: String?
    /// The only `alg` accepted for this key.
    public let algorithm: String
    let publicKey: PublicKey
    /// The key's SubjectPublicKeyInfo (DER): what the key is, byte for byte, so a
    /// remembered verification can tell that the key it used is still the one published.
    let fingerprint: Data

    enum PublicKey: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
    }

    /// An RS256 key; swift-crypto refuses RSA keys under 2048 bits.
    public static func rs256(_ key: _RSA.Signing.PublicKey, id: String?) -> VerificationKey {
        VerificationKey(id: id, algorithm: "RS256", publicKey: .rsa(key), fingerprint: key.derRepresentation)
    }

    /// An ES256 key (ECDSA on P-256 with SHA-256).
    public static func es256(_ key: P256.Signing.PublicKey, id: String?) -> VerificationKey {
        VerificationKey(id: id, algorithm: "ES256", publicKey: .p256(key), fingerprint: key.derRepresentation)
    }

    /// An RS256 key from a PEM public key (SPKI) of at least 2048 bits.
    public static func rsa(publicKeyPEM pem: String, id: String?) throws -> VerificationKey {
        .rs256(try _RSA.Signing.PublicKey(pemRepresentation: pem), id: id)
    }

    /// Whether `signature` (the JWS's third part, decoded) signs `signingInput` (`header.payload`, as sent).
    ///
    /// An ES256 signature is `r || s`, 64 bytes (RFC 7518 §3.4), not DER.
    public func isValidSignature(_ signature: some DataProtocol, for signingInput: some DataProtocol) -> Bool {
        switch publicKey {
        case .rsa(let key):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: signingInput, padding: .insecurePKCS1v1_5)
        case .p256(let key):
            guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: signingInput)
        }
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
            guard keys.count == 1 else {
                throw .invalidToken("Token has no kid, and more than one key could have signed it")
            }
            return keys[0]
        }
        guard let key = keys.first(where: { $0.id == kid }) else {
            throw .invalidToken("Unknown signing key (kid \(LogSafe.clip(kid)))")
        }
        return key
    }
}
