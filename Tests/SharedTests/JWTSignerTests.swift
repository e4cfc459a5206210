/// The demo tokens as signed with swift-crypto: the header, the claims' JSON shapes, and a signature the verifier and
/// swift-crypto accept.
import CryptoExtras
import Foundation
import Shared
import TestSupport
import Testing

@Suite("JWTSigner")
struct JWTSignerTests {
    @Test(
        "gen-token's header is alg RS256, the key's kid and typ JWT; one audience is a string, times are whole seconds")
    func demoTokenShape() async throws {
        let issued = try await DemoKeys.issuer().issue(
            username: "alice", scopes: ["mcp:read", "mcp:tools"], audience: ["mcp-server"],
            now: Date(timeIntervalSince1970: 1_800_000_000.7))
        let file = TokenFile(token: issued.token)
        #expect(file.header == ["alg": "RS256", "kid": "mcp-key-1", "typ": "JWT"])
        #expect(file.claims["aud"] == "mcp-server")
        #expect(file.claims["iat"] == 1_800_000_000)
        #expect(file.claims["exp"] == 1_800_003_600)
        #expect(file.claims["scope"] == "mcp:read mcp:tools")
        #expect(file.claims["scopes"] == ["mcp:read", "mcp:tools"])
        let payload = try #require(Data(base64URLEncoded: issued.token.split(separator: ".")[1]))
        #expect(String(decoding: payload, as: UTF8.self).contains(#""exp":1800003600,"#))
        let twoAudiences = try await DemoKeys.issuer().issue(
            username: "alice", scopes: [], audience: ["mcp-server", "echo-mcp-server"])
        #expect(TokenFile(token: twoAudiences.token).claims["aud"] == ["mcp-server", "echo-mcp-server"])
    }

    @Test("the signature is RSASSA-PKCS1-v1_5 with SHA-256 over the first two parts, as sent")
    func signature() async throws {
        let token = try await DemoKeys.issuer().issue(username: "alice", scopes: [], audience: ["mcp-server"]).token
        let parts = token.split(separator: ".")
        let key = try _RSA.Signing.PublicKey(pemRepresentation: try #require(DemoKeys.directory.publicKeyPEM()))
        let signature = _RSA.Signing.RSASignature(rawRepresentation: try #require(Data(base64URLEncoded: parts[2])))
        #expect(key.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8), padding: .insecurePKCS1v1_5))
        #expect(
            !key.isValidSignature(signature, for: Data("\(parts[0]).\(parts[0])".utf8), padding: .insecurePKCS1v1_5))
        #expect(try await verifier(now: Date()).verify(token).username == "alice")
    }
}

@Suite("TokenIssuer: bound tokens")
struct BoundTokenIssuerTests {
    @Test("a token issued bound to a key carries cnf.jkt, which the verifier hands on to the middleware")
    func boundTo() async throws {
        let issued = try await DemoKeys.issuer().issue(
            username: "alice", scopes: ["mcp:read"], audience: ["mcp-server"], boundTo: "thumbprint-1")
        #expect(TokenFile(token: issued.token).claims["cnf"] == ["jkt": "thumbprint-1"])
        #expect(try await verifier(now: Date()).verify(issued.token).boundKeyThumbprint == "thumbprint-1")
    }
}
