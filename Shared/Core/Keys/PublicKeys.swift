/// The demo public key, read once at start: published as a JWKS (step 5), verified with (step 6).
///
/// Introduced in step 5. Loading itself never throws: with no usable key,
/// ``jwks`` is empty and ``problem`` says why in one line. The steps stop there
/// with that line (a learner who started a step from another folder is told
/// where the keys are); a server that chooses to run on answers
/// `/.well-known/jwks.json` and token checks with 503 and the same reason.
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
                problem:
                    "no public key at \(directory.publicKeyPath): run from the repository's top folder (the demo keys are in keys/), "
                    + "or give --keys DIR (or KEYS_DIR)")
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

    public func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        if let problem = keys.problem {
            return try .json(["detail": problem], status: .serviceUnavailable)
        }
        return try .json(keys.jwks, headers: [.cacheControl: "public, max-age=300"])
    }
}
