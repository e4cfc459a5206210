/// Loading trusted keys with MCPAuth alone: a PEM public key (RSA or EC P-256), a JWKS document, a JWKS file; and the
/// resource's metadata with nothing of the tutorial's unless given.
import Crypto
import Foundation
import MCPAuth
import TestSupport
import Testing

@Suite("MCPAuth: keys and resource metadata")
struct KeyLoadingTests {
    @Test("a PEM public key gives its algorithm: RSA verifies RS256, EC P-256 ES256; a private key is refused")
    func pem() throws {
        let rsa = try LocalKeySet(publicKeyPEM: try #require(DemoKeys.directory.publicKeyPEM()), id: "mcp-key-1")
        #expect(rsa.keys.map(\.algorithm) == ["RS256"])
        let ec = try LocalKeySet(publicKeyPEM: P256.Signing.PrivateKey().publicKey.pemRepresentation, id: "ec-1")
        #expect(ec.keys.map(\.algorithm) == ["ES256"])
        #expect(throws: KeyLoadingError.unsupportedPEM) {
            try LocalKeySet(publicKeyPEM: P256.Signing.PrivateKey().pemRepresentation, id: nil)
        }
        #expect(throws: KeyLoadingError.unsupportedPEM) {
            try LocalKeySet(publicKeyPEM: P384.Signing.PrivateKey().publicKey.pemRepresentation, id: nil)
        }
    }

    @Test("a JWKS keeps its signing keys and skips the rest; the demo token verifies against it")
    func jwks() async throws {
        var demo = try JSONWebKey.rsa(publicKeyPEM: try #require(DemoKeys.directory.publicKeyPEM()), kid: "mcp-key-1")
        demo.alg = nil  // RS256 follows from the key
        var encryption = demo
        (encryption.kid, encryption.use) = ("enc-1", "enc")
        let document = try JSONEncoder().encode(
            JSONWebKeySet(keys: [encryption, demo, JSONWebKey(kty: "oct", kid: "hmac")]))
        let keys = try LocalKeySet(jwks: document)
        #expect(keys.keys.map(\.id) == ["mcp-key-1"])
        let verifier = TokenVerifier(keys: keys, issuers: ["mcp-simple-auth"], audiences: ["mcp-server"])
        #expect(try await verifier.verify(try await DemoKeys.token("alice", scopes: ["mcp:read"])).username == "alice")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jwks-\(UUID().uuidString).json")
        try document.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try LocalKeySet(jwksFile: file.path).keys.count == 1)
    }

    @Test("a JWKS with no usable key, a document that is not one, a file that is not there: one clear error each")
    func jwksErrors() throws {
        let useless = try JSONEncoder().encode(
            JSONWebKeySet(keys: [JSONWebKey(kty: "oct", kid: "a"), JSONWebKey(kty: "RSA", kid: "b", use: "enc")]))
        #expect(throws: KeyLoadingError.noSigningKey(skipped: 2)) { try LocalKeySet(jwks: useless) }
        #expect(throws: KeyLoadingError.notAJWKS) { try LocalKeySet(jwks: Data("<html>".utf8)) }
        #expect(throws: KeyLoadingError.unreadable("/nonexistent/jwks.json")) {
            try LocalKeySet(jwksFile: "/nonexistent/jwks.json")
        }
        #expect(KeyLoadingError.noSigningKey(skipped: 2).description.contains("no RS256 or ES256 signing key"))
    }

    @Test("resource metadata says only what it is given; the resource path is the server's choice")
    func resourceMetadata() throws {
        let plain = ProtectedResource(
            serverURL: "https://mcp.example", resourcePath: "/api/mcp", authorizationServers: ["https://auth.example"],
            scopes: ["files:read"])
        #expect(plain.identifier == "https://mcp.example/api/mcp")
        #expect(
            plain.challenge.resourceMetadata == "https://mcp.example/.well-known/oauth-protected-resource/api/mcp")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(
            String(decoding: try encoder.encode(plain.metadata), as: UTF8.self)
                == #"{"authorization_servers":["https://auth.example"],"bearer_methods_supported":["header"],"#
                + #""resource":"https://mcp.example/api/mcp","scopes_supported":["files:read"]}"#)
        let named = ProtectedResource(
            serverURL: "https://mcp.example", authorizationServers: [], scopes: [],
            description: ResourceDescription(name: "Files"))
        #expect(named.metadata.resourceName == "Files" && named.metadata.resourceType == nil)
    }
}
