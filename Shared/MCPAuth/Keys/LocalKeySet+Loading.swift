/// Loading the keys a server trusts: a PEM public key (RSA or EC P-256), a JWKS document, or a JWKS file.
///
/// Introduced in step 5 (the demo key, a PEM) and step 10 (a JWKS, fetched); for an engineer's server, the same
/// loaders without the tutorial's files. A key's algorithm comes from the key: RSA verifies `RS256` (2048 bits at
/// least), EC P-256 `ES256`. A JWKS keeps its signing keys and skips the rest (encryption keys, other algorithms),
/// as step 10 does; one with no usable key is an error rather than a server that refuses everyone.
///
/// ```swift
/// let keys = try LocalKeySet(publicKeyPEM: pem, id: "mcp-key-1")
/// let keys = try LocalKeySet(jwksFile: "keys/jwks.json")
/// ```
///
/// - SeeAlso: RFC 7517 §5 (JWK Set), RFC 7468 (PEM)
import Crypto
import CryptoExtras
public import Foundation

extension VerificationKey {
    /// The key of a PEM public key (SPKI): RS256 for RSA, ES256 for EC P-256.
    ///
    /// - Throws: ``KeyLoadingError/unsupportedPEM`` for anything else (a private key, another curve, RSA under 2048).
    public static func publicKey(pem: String, id: String?) throws(KeyLoadingError) -> VerificationKey {
        if let rsa = try? _RSA.Signing.PublicKey(pemRepresentation: pem) { return .rs256(rsa, id: id) }
        if let ec = try? P256.Signing.PublicKey(pemRepresentation: pem) { return .es256(ec, id: id) }
        throw .unsupportedPEM
    }
}

extension LocalKeySet {
    /// The one key of a PEM public key (RSA or EC P-256), named `id`.
    public init(publicKeyPEM pem: String, id: String?) throws(KeyLoadingError) {
        self.init([try VerificationKey.publicKey(pem: pem, id: id)])
    }

    /// The signing keys of a JWKS document (`{"keys":[…]}`).
    public init(jwks: Data) throws(KeyLoadingError) {
        guard let set = try? JSONDecoder().decode(JSONWebKeySet.self, from: jwks) else { throw .notAJWKS }
        let keys = set.keys.compactMap { $0.verificationKey() }
        guard !keys.isEmpty else { throw .noSigningKey(skipped: set.keys.count) }
        self.init(keys)
    }

    /// The signing keys of the JWKS document in the file at `path`.
    public init(jwksFile path: String) throws(KeyLoadingError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        try self.init(jwks: data)
    }
}

/// Why keys could not be loaded, in one line.
public enum KeyLoadingError: Error, Equatable, CustomStringConvertible {
    case unsupportedPEM
    case notAJWKS
    case noSigningKey(skipped: Int)
    case unreadable(String)

    public var description: String {
        switch self {
        case .unsupportedPEM: "not a PEM public key for RS256 (RSA, 2048 bits or more) or ES256 (EC P-256)"
        case .notAJWKS: #"not a JWKS document ({"keys":[…]})"#
        case .noSigningKey(let skipped): "the JWKS has no RS256 or ES256 signing key (\(skipped) skipped)"
        case .unreadable(let path): "cannot read \(path)"
        }
    }
}
