/// TokenVerifier's rules with a fixed clock: leeway boundaries, kid selection, issuers and audiences.
import Foundation
import Shared
import TestSupport
import Testing

/// A verifier for the demo key whose clock reads `now`.
func verifier(now: Date, keys: [VerificationKey]? = nil) async throws -> TokenVerifier {
    let demoKey = try VerificationKey.rsa(publicKeyPEM: DemoKeys.directory.publicKeyPEM()!, id: "mcp-key-1")
    return TokenVerifier(
        keys: LocalKeySet(keys ?? [demoKey]), issuers: ["mcp-simple-auth"],
        audiences: ["mcp-server", "http://localhost:9000/mcp"], now: { now })
}

/// A demo token issued at `issuedAt`, valid for `lifetime` seconds.
func token(issuedAt: Date, lifetime: TimeInterval = 300, audience: [String] = ["mcp-server"]) async throws -> String {
    try await DemoKeys.issuer().issue(
        username: "alice", scopes: ["mcp:read"], audience: audience, lifetime: lifetime, now: issuedAt
    ).token
}

// MARK: Tests

@Suite("TokenVerifier")
struct TokenVerifierTests {
    let issuedAt = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a token is accepted up to 60 s after exp, and refused after")
    func expiryLeeway() async throws {
        let token = try await token(issuedAt: issuedAt, lifetime: 300)
        let expiry = issuedAt.addingTimeInterval(300)
        #expect(try await verifier(now: expiry.addingTimeInterval(60)).verify(token).username == "alice")
        await #expect(throws: AuthFailure.invalidToken("Token expired")) {
            try await verifier(now: expiry.addingTimeInterval(61)).verify(token)
        }
    }

    @Test("iat in the future is tolerated within the leeway only")
    func issuedInTheFuture() async throws {
        let token = try await token(issuedAt: issuedAt)
        _ = try await verifier(now: issuedAt.addingTimeInterval(-60)).verify(token)
        await #expect(throws: AuthFailure.invalidToken("Token issued in the future (iat)")) {
            try await verifier(now: issuedAt.addingTimeInterval(-61)).verify(token)
        }
    }

    @Test("any one of the token's audiences may be ours (RFC 8707 resource included)")
    func audiences() async throws {
        let now = issuedAt.addingTimeInterval(1)
        let resourceToken = try await token(issuedAt: issuedAt, audience: ["other", "http://localhost:9000/mcp"])
        _ = try await verifier(now: now).verify(resourceToken)
        let foreign = try await token(issuedAt: issuedAt, audience: ["http://localhost:9000"])
        await #expect(throws: AuthFailure.invalidToken("Invalid audience")) {
            try await verifier(now: now).verify(foreign)
        }
    }

    @Test("the user carries the token's scopes, roles, issuer and key")
    func user() async throws {
        let token = try await DemoKeys.issuer().issue(
            username: "admin", scopes: ["mcp:read", "mcp:tools"], roles: ["admin"], audience: ["mcp-server"],
            now: issuedAt
        ).token
        let user = try await verifier(now: issuedAt).verify(token)
        #expect(user.scopes == ["mcp:read", "mcp:tools"])
        #expect(user.roles == ["admin"])
        #expect(user.issuer == "mcp-simple-auth")
        #expect(user.keyID == "mcp-key-1")
    }

    @Test("with several keys, a token must name its kid; the named key must be the signer")
    func severalKeys() async throws {
        let pem = DemoKeys.directory.publicKeyPEM()!
        let keys = [
            try VerificationKey.rsa(publicKeyPEM: pem, id: "a"), try VerificationKey.rsa(publicKeyPEM: pem, id: "b"),
        ]
        let now = issuedAt.addingTimeInterval(1)
        let withoutKid = ForgedToken.signWithDemoKey(
            header: ["alg": "RS256", "typ": "JWT"],
            claims: ["iss": "mcp-simple-auth", "aud": "mcp-server", "sub": "x", "exp": 1_800_000_300])
        await #expect(throws: AuthFailure.invalidToken("Token has no kid, and more than one key could have signed it"))
        {
            try await verifier(now: now, keys: keys).verify(withoutKid)
        }
        let withKid = try await DemoKeys.issuer(kid: "b").issue(
            username: "x", scopes: [], audience: ["mcp-server"], now: issuedAt
        ).token
        #expect(try await verifier(now: now, keys: keys).verify(withKid).keyID == "b")
        // With a single key, a token without kid is accepted.
        #expect(try await verifier(now: now).verify(withoutKid).username == "x")
    }

    @Test("a DPoP proof or other non-access-token type is refused, as is a crit header")
    func tokenTypes() async throws {
        let claims: [String: Any] = ["iss": "mcp-simple-auth", "aud": "mcp-server", "sub": "x", "exp": 1_800_000_300]
        let proof = ForgedToken.signWithDemoKey(
            header: ["alg": "RS256", "typ": "dpop+jwt", "kid": "mcp-key-1"], claims: claims)
        await #expect(throws: AuthFailure.invalidToken("Token type dpop+jwt is not an access token")) {
            try await verifier(now: issuedAt).verify(proof)
        }
        let critical = ForgedToken.signWithDemoKey(
            header: ["alg": "RS256", "crit": ["exp"], "kid": "mcp-key-1"], claims: claims)
        await #expect(throws: AuthFailure.self) { try await verifier(now: issuedAt).verify(critical) }
        let atJWT = ForgedToken.signWithDemoKey(
            header: ["alg": "RS256", "typ": "at+jwt", "kid": "mcp-key-1"], claims: claims)
        #expect(try await verifier(now: issuedAt).verify(atJWT).username == "x")
    }

    @Test("an oversized token is refused before any parsing")
    func oversized() async throws {
        let huge = String(repeating: "a", count: TokenVerifier.maximumTokenSize + 1)
        await #expect(throws: AuthFailure.invalidToken("Token too large")) {
            try await verifier(now: issuedAt).verify(huge)
        }
    }
}
