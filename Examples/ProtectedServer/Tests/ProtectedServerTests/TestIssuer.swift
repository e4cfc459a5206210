/// An RSA key pair, and RS256 tokens signed with it: what your authorization server does.
import CryptoExtras
import Foundation

struct TestIssuer {
    static let issuer = "https://auth.example"
    let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    /// A token for alice; with `jkt`, bound to the key of that thumbprint (`cnf.jkt`, RFC 9449 §6.1).
    func token(scope: String, audience: String = "https://mcp.example/mcp", jkt: String? = nil) throws -> String {
        func part(_ json: [String: Any]) throws -> String {
            base64URL(try JSONSerialization.data(withJSONObject: json))
        }
        let now = Int(Date().timeIntervalSince1970)
        var claims: [String: Any] = [
            "iss": Self.issuer, "aud": audience, "sub": "alice", "exp": now + 300, "iat": now, "scope": scope,
        ]
        if let jkt { claims["cnf"] = ["jkt": jkt] }
        let input = try part(["alg": "RS256", "kid": "key-1", "typ": "JWT"]) + "." + part(claims)
        return input + "."
            + base64URL(try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5).rawRepresentation)
    }

    func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
