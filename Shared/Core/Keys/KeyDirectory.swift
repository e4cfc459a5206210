/// Where the demo RSA key pair lives: `keys/` under the working directory.
///
/// Introduced in step 5. Two PEM files, read once at start (never per request):
/// `mcp_private_key.pem` (PKCS#8; only the token tool and the demo token
/// endpoint sign with it) and `mcp_public_key.pem` (SPKI; servers verify with it
/// and publish it as a JWK). `--keys DIR` or `KEYS_DIR` points elsewhere.
///
/// The committed pair is a demo key, public to anyone who reads this repository:
/// never trust it outside your machine.
import Crypto
import CryptoExtras
import Foundation

public struct KeyDirectory: Sendable {
    public static let privateKeyFile = "mcp_private_key.pem"
    public static let publicKeyFile = "mcp_public_key.pem"
    /// The key id the demo key is published under.
    public static let demoKeyID = "mcp-key-1"

    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var publicKeyPath: String { (path as NSString).appendingPathComponent(Self.publicKeyFile) }
    public var privateKeyPath: String { (path as NSString).appendingPathComponent(Self.privateKeyFile) }

    /// The public key PEM, or nil when there is none.
    public func publicKeyPEM() -> String? {
        try? String(contentsOfFile: publicKeyPath, encoding: .utf8)
    }

    /// The private key PEM, or nil when there is none.
    public func privateKeyPEM() -> String? {
        try? String(contentsOfFile: privateKeyPath, encoding: .utf8)
    }

    /// Writes a new RSA-2048 pair (PKCS#8 private key, SPKI public key), replacing any there.
    public func generateKeyPair() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        try key.pkcs8PEMRepresentation.write(toFile: privateKeyPath, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: privateKeyPath)
        try key.publicKey.pemRepresentation.write(toFile: publicKeyPath, atomically: true, encoding: .utf8)
    }
}
