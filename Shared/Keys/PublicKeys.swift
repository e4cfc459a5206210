/// The demo public key, read once at start: published as a JWKS (step 5), verified with (step 6).
///
/// Introduced in step 5. Loading never fails the server: with no usable key,
/// ``jwks`` is empty, ``problem`` says why (shown at `/.well-known/jwks.json`
/// with 503, and in the start-up log), and token checks answer 503.
///
/// ```swift
/// let keys = await PublicKeys.load(from: options.keys.directory)
/// ```
import Foundation
public import Hummingbird

public struct PublicKeys: Sendable {
    public let jwks: JSONWebKeySet
    public let verificationKeys: [VerificationKey]
    /// Why there is no key, when there is none.
    public let problem: String?

    public var isAvailable: Bool { problem == nil }

    public static func load(from directory: KeyDirectory, keyID: String = KeyDirectory.demoKeyID) async -> PublicKeys {
        guard let pem = directory.publicKeyPEM() else {
            return PublicKeys(
                jwks: JSONWebKeySet(keys: []), verificationKeys: [],
                problem: "No public key at \(directory.publicKeyPath); create one with: swift run gen-token --generate-keys")
        }
        do {
            let jwk = try JSONWebKey.rsa(publicKeyPEM: pem, kid: keyID)
            let key = try VerificationKey.rsa(publicKeyPEM: pem, id: keyID)
            return PublicKeys(jwks: JSONWebKeySet(keys: [jwk]), verificationKeys: [key], problem: nil)
        } catch {
            return PublicKeys(
                jwks: JSONWebKeySet(keys: []), verificationKeys: [],
                problem: "\(directory.publicKeyPath) is not an RSA public key of at least 2048 bits (PEM, SPKI)")
        }
    }
}

/// `GET /.well-known/jwks.json`: the keys, or 503 with the reason there are none.
public struct JWKSResponse: ResponseGenerator, Sendable {
    let keys: PublicKeys

    public init(_ keys: PublicKeys) {
        self.keys = keys
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        if let problem = keys.problem {
            return try .json(["detail": problem], status: .serviceUnavailable)
        }
        return try .json(keys.jwks, headers: [.cacheControl: "public, max-age=300"])
    }
}
