/// The verified-token cache: what it remembers, for how long, and what makes it forget; ES256 keys beside RS256.
import Crypto
import CryptoExtras
import Foundation
import Shared
import Synchronization
import TestSupport
import Testing

/// Keys that a test can swap, as a JWKS refresh would.
final class SwappableKeys: VerificationKeyProvider {
    let keys: Mutex<[VerificationKey]>
    init(_ keys: [VerificationKey]) { self.keys = Mutex(keys) }
    func key(for kid: String?) async throws(AuthFailure) -> VerificationKey {
        try LocalKeySet.select(kid, from: keys.withLock { $0 })
    }
    func swap(to keys: [VerificationKey]) { self.keys.withLock { $0 = keys } }
}

@Suite("Verified-token cache")
struct VerifiedTokenCacheTests {
    let issuedAt = Date(timeIntervalSince1970: 1_800_000_000)
    let demoKey = try! VerificationKey.rsa(publicKeyPEM: DemoKeys.directory.publicKeyPEM()!, id: "mcp-key-1")

    func verifier(
        _ keys: any VerificationKeyProvider, cache: VerifiedTokenCache?, leeway: TimeInterval = 60, clock: TestClock
    ) -> TokenVerifier {
        TokenVerifier(
            keys: keys, issuers: ["mcp-simple-auth"], audiences: ["mcp-server"], leeway: leeway, cache: cache,
            now: { clock.now })
    }

    @Test("a verified token is remembered; a refused one never is, and a token one byte away is checked in full")
    func remembersOnlyVerified() async throws {
        let cache = VerifiedTokenCache()
        let verifier = verifier(LocalKeySet([demoKey]), cache: cache, clock: TestClock(issuedAt))
        let token = try await DemoKeys.issuer().issue(
            username: "alice", scopes: ["mcp:read"], audience: ["mcp-server"], now: issuedAt
        ).token
        #expect(try await verifier.verify(token).username == "alice")
        #expect(cache.count == 1)
        #expect(try await verifier.verify(token).username == "alice")
        #expect(cache.count == 1)
        await #expect(throws: AuthFailure.invalidToken("Invalid signature")) {
            try await verifier.verify(ForgedToken.tamperedSignature(token))
        }
        await #expect(throws: AuthFailure.invalidToken("Invalid signature")) {
            try await verifier.verify(ForgedToken.tamperedPayload(token))
        }
        #expect(cache.count == 1)
    }

    @Test("a remembered token is refused from its exp on, leeway or not")
    func neverPastExpiry() async throws {
        let clock = TestClock(issuedAt)
        let verifier = verifier(LocalKeySet([demoKey]), cache: VerifiedTokenCache(), leeway: 0, clock: clock)
        let token = try await DemoKeys.issuer().issue(
            username: "alice", scopes: [], audience: ["mcp-server"], lifetime: 10, now: issuedAt
        ).token
        _ = try await verifier.verify(token)
        clock.advance(by: 10.5)
        await #expect(throws: AuthFailure.invalidToken("Token expired")) { try await verifier.verify(token) }
    }

    @Test("a key taken out of the key set takes its remembered tokens with it, even when the kid is reused")
    func forgetsWithTheKey() async throws {
        let keys = SwappableKeys([demoKey])
        let verifier = verifier(keys, cache: VerifiedTokenCache(), clock: TestClock(issuedAt))
        let token = try await DemoKeys.issuer().issue(
            username: "alice", scopes: [], audience: ["mcp-server"], now: issuedAt
        ).token
        _ = try await verifier.verify(token)
        let otherKey = try VerificationKey.rsa(
            publicKeyPEM: _RSA.Signing.PrivateKey(keySize: .bits2048).publicKey.pemRepresentation, id: "mcp-key-1")
        keys.swap(to: [otherKey])
        await #expect(throws: AuthFailure.invalidToken("Invalid signature")) { try await verifier.verify(token) }
        keys.swap(to: [])
        await #expect(throws: AuthFailure.keysUnavailable("No verification keys are loaded")) {
            try await verifier.verify(token)
        }
    }

    @Test("the cache holds at most its capacity, however many distinct tokens pass")
    func bounded() async throws {
        let cache = VerifiedTokenCache(capacity: 8)
        let verifier = verifier(LocalKeySet([demoKey]), cache: cache, clock: TestClock(issuedAt))
        let issuer = try await DemoKeys.issuer()
        for index in 0..<40 {
            let token = try issuer.issue(
                username: "user\(index)", scopes: [], audience: ["mcp-server"], now: issuedAt
            ).token
            #expect(try await verifier.verify(token).username == "user\(index)")
            #expect(cache.count <= 8)
        }
    }

    @Test("concurrent requests with the same token all pass and leave one entry")
    func concurrent() async throws {
        let cache = VerifiedTokenCache()
        let verifier = verifier(LocalKeySet([demoKey]), cache: cache, clock: TestClock(issuedAt))
        let token = try await DemoKeys.issuer().issue(
            username: "alice", scopes: [], audience: ["mcp-server"], now: issuedAt
        ).token
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<64 { group.addTask { try await verifier.verify(token).username } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(names == Array(repeating: "alice", count: 64))
        #expect(cache.count == 1)
    }

    @Test("ES256: a P-256 key verifies r||s signatures, refuses RS256 claims, DER signatures and another P-256 key")
    func es256() async throws {
        let privateKey = P256.Signing.PrivateKey()
        let key = VerificationKey.es256(privateKey.publicKey, id: "ec-1")
        let verifier = verifier(LocalKeySet([key]), cache: nil, clock: TestClock(issuedAt))
        let claims: [String: Any] = ["iss": "mcp-simple-auth", "aud": "mcp-server", "sub": "eve", "exp": 1_800_000_300]
        let header: [String: Any] = ["alg": "ES256", "typ": "JWT", "kid": "ec-1"]
        let token = ForgedToken.signES256(header: header, claims: claims, key: privateKey)
        #expect(try await verifier.verify(token).username == "eve")

        var rsHeader = header
        rsHeader["alg"] = "RS256"
        await #expect(throws: AuthFailure.invalidToken("Algorithm RS256 is not allowed for this key (expected ES256)"))
        {
            try await verifier.verify(ForgedToken.signES256(header: rsHeader, claims: claims, key: privateKey))
        }
        let parts = token.split(separator: ".")
        let input = parts[0] + "." + parts[1]
        let der = try privateKey.signature(for: Data(input.utf8)).derRepresentation.base64URLEncodedString()
        await #expect(throws: AuthFailure.invalidToken("Invalid signature")) {
            try await verifier.verify(input + "." + der)
        }
        let other = ForgedToken.signES256(header: header, claims: claims, key: P256.Signing.PrivateKey())
        await #expect(throws: AuthFailure.invalidToken("Invalid signature")) { try await verifier.verify(other) }
    }
}
