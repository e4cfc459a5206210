/// Proof Key for Code Exchange (RFC 7636), S256 only.
///
/// Introduced in step 9 (the realm server checks it) and used again by the
/// client of step 11 (which makes it). The client keeps a random `verifier`
/// and sends only its SHA-256, the `challenge`, with the authorization request;
/// the token request must then show the verifier. A stolen code is useless
/// without it. Computed with swift-crypto, so it works on Linux too.
///
/// - SeeAlso: RFC 7636 §4; MCP 2025-06-18 Authorization › Authorization Code Protection
import Crypto
import Foundation

public struct PKCEVerifier: Sendable, Equatable {
    public let verifier: String
    public let challenge: String
    public static let method = "S256"

    /// A new verifier: 32 random bytes, base64url (43 characters).
    public init() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        self.init(verifier: Data(bytes).base64URLEncodedString())
    }

    public init(verifier: String) {
        self.verifier = verifier
        self.challenge = Self.challenge(for: verifier)
    }

    /// `BASE64URL(SHA256(ASCII(verifier)))`.
    public static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
    }

    /// Whether `verifier` has the form RFC 7636 §4.1 requires: 43–128 characters of `[A-Za-z0-9-._~]`.
    public static func isWellFormed(verifier: String) -> Bool {
        (43...128).contains(verifier.count)
            && verifier.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._~".contains($0)) }
    }

    /// Whether `verifier` is well formed and hashes to `challenge` (compared in constant time).
    public static func verify(verifier: String, challenge: String) -> Bool {
        isWellFormed(verifier: verifier) && ConstantTime.equals(Self.challenge(for: verifier), challenge)
    }
}
