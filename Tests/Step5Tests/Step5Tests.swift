/// Step 5: the public key as a JWKS, and 503 when there is none.
import CryptoExtras
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import TestSupport
import Testing

@testable import step5

func step5App(keys: PublicKeys) throws -> some ApplicationProtocol {
    Application(router: makeRouter(try ServerOptions.parse([]), keys: keys))
}

// MARK: Tests

@Suite("Step 5")
struct Step5Tests {
    @Test("the JWKS publishes the demo key: kid mcp-key-1, RS256, use sig, n and e unpadded base64url")
    func jwks() async throws {
        try await step5App(keys: await DemoKeys.publicKeys()).test(.router) { client in
            let response = try await client.get("/.well-known/jwks.json")
            #expect(response.status == .ok)
            let set = try JSONDecoder().decode(JSONWebKeySet.self, from: Data(buffer: response.body))
            let key = try #require(set.keys.first)
            #expect(set.keys.count == 1)
            #expect(key.kty == "RSA")
            #expect(key.kid == "mcp-key-1")
            #expect(key.alg == "RS256")
            #expect(key.use == "sig")
            #expect(key.e == "AQAB")
            #expect(key.n?.contains("=") == false)
            #expect(key.n?.contains("+") == false && key.n?.contains("/") == false)
            // n and e rebuild the very key in keys/mcp_public_key.pem.
            let rebuilt = try _RSA.Signing.PublicKey(
                n: try #require(key.n.flatMap { Data(base64URLEncoded: $0) }),
                e: try #require(key.e.flatMap { Data(base64URLEncoded: $0) }))
            let original = try _RSA.Signing.PublicKey(
                pemRepresentation: try #require(DemoKeys.directory.publicKeyPEM()))
            #expect(rebuilt.derRepresentation == original.derRepresentation)
        }
    }

    @Test("/health reports jwt_enabled and jwks_available")
    func health() async throws {
        try await step5App(keys: await DemoKeys.publicKeys()).test(.router) { client in
            let response = try await client.get("/health")
            #expect(response.text == #"{"jwks_available":true,"jwt_enabled":true,"status":"healthy"}"#)
        }
    }

    @Test("without a key, the JWKS answers 503 saying why, and /health says jwks_available false")
    func missingKey() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-keys-\(UUID().uuidString)").path
        let keys = await PublicKeys.load(from: KeyDirectory(path: empty))
        try await step5App(keys: keys).test(.router) { client in
            let jwks = try await client.get("/.well-known/jwks.json")
            #expect(jwks.status == .serviceUnavailable)
            #expect(
                jwks.detail?.hasPrefix(
                    "no public key at \(empty)/mcp_public_key.pem: run from the repository's top folder") == true)
            let health = try await client.get("/health")
            #expect(try health.json()["jwks_available"] == false)
        }
    }

    @Test("a file that is not an RSA public key is reported, not served")
    func invalidKey() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bad-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "not a key".write(
            to: directory.appendingPathComponent(KeyDirectory.publicKeyFile), atomically: true, encoding: .utf8)
        let keys = await PublicKeys.load(from: KeyDirectory(path: directory.path))
        #expect(!keys.isAvailable)
        #expect(keys.problem?.contains("is not an RSA public key") == true)
    }

    @Test("initialize, sent without params as the posts do, says jwt_enabled in serverInfo")
    func serverInfoSaysJWT() async throws {
        try await step5App(keys: await DemoKeys.publicKeys()).test(.router) { client in
            let result = try await client.postMCP(#"{"jsonrpc":"2.0","id":1,"method":"initialize"}"#).json()["result"]
            #expect(result?["serverInfo"]?["jwt_enabled"] == true)
            #expect(result?["serverInfo"]?["authenticatedUser"] == nil)
        }
    }

    @Test("/mcp is still open in step 5: keys are published, not yet checked")
    func mcpStillOpen() async throws {
        try await step5App(keys: await DemoKeys.publicKeys()).test(.router) { client in
            let response = try await client.postMCP(RPC.ping)
            #expect(response.status == .ok)
        }
    }
}
