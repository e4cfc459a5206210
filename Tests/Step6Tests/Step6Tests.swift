/// Step 6: bearer JWTs on /mcp — every reason for a 401, and every forgery.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import Shared
import TestSupport
import Testing

@testable import step6

func step6App() async throws -> some ApplicationProtocol {
    Application(router: makeRouter(try ServerOptions.parse([]), keys: await DemoKeys.publicKeys()))
}

/// MCP client headers carrying `authorization` as given.
func bearer(_ authorization: String) -> HTTPFields {
    HTTPFields.mcpPost.with(.authorization, authorization)
}

// MARK: Tests

@Suite("Step 6")
struct Step6Tests {
    @Test("no Authorization header: 401, a challenge without error, and the posts' detail")
    func missingHeader() async throws {
        try await step6App().test(.router) { client in
            let response = try await client.postMCP(RPC.ping)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="mcp-server""#)
            #expect(response.text == #"{"detail":"Authorization header missing"}"#)
        }
    }

    @Test("a valid token reaches the dispatch, which names the caller in initialize and ping")
    func validToken() async throws {
        let token = try await DemoKeys.token("alice", scopes: ["mcp:read", "mcp:tools"])
        try await step6App().test(.router) { client in
            let initialize = try await client.postMCP(RPC.initialize(), headers: bearer("Bearer \(token)"))
            #expect(initialize.status == .ok)
            #expect(try initialize.json()["result"]?["serverInfo"]?["authenticatedUser"] == "alice")
            let ping = try await client.postMCP(RPC.ping, headers: bearer("Bearer \(token)"))
            #expect(try ping.json()["result"] == ["_meta": ["user": "alice", "authenticated": true]])
        }
    }

    @Test("the scheme is case-insensitive: lowercase bearer is accepted")
    func lowercaseScheme() async throws {
        let token = try await DemoKeys.token("alice")
        try await step6App().test(.router) { client in
            let response = try await client.postMCP(RPC.ping, headers: bearer("bearer \(token)"))
            #expect(response.status == .ok)
        }
    }

    @Test("preferred_username names the caller; without it, sub does")
    func subjectFallback() async throws {
        var claims = ForgedToken.claims()
        claims["preferred_username"] = nil
        claims["sub"] = "user-42"
        let token = ForgedToken.signWithDemoKey(
            header: ["alg": "RS256", "typ": "JWT", "kid": "mcp-key-1"], claims: claims)
        try await step6App().test(.router) { client in
            let initialize = try await client.postMCP(RPC.initialize(), headers: bearer("Bearer \(token)"))
            #expect(try initialize.json()["result"]?["serverInfo"]?["authenticatedUser"] == "user-42")
        }
    }

    @Test(
        "each refused token gets 401, error=\"invalid_token\" and the reason",
        arguments: [
            ("expired", "Token expired"),
            ("expired beyond the leeway", "Token expired"),
            ("wrong issuer", "Invalid issuer"),
            ("wrong audience", "Invalid audience"),
            ("not yet valid", "Token not yet valid (nbf)"),
            ("no exp", "Token has no expiry (exp)"),
            ("alg none", "Algorithm none is not allowed for this key (expected RS256)"),
            ("HS256 with the public key", "Algorithm HS256 is not allowed for this key (expected RS256)"),
            ("unknown kid", "Unknown signing key (kid other-key)"),
            ("tampered payload", "Invalid signature"),
            ("tampered signature", "Invalid signature"),
            ("another key", "Invalid signature"),
            ("garbage", "Invalid token"),
            ("invalid.token.here", "Invalid token"),  // the posts' own malformed token, and their detail
        ])
    func refusedTokens(kind: String, detail: String) async throws {
        let token = try await Self.token(kind)
        try await step6App().test(.router) { client in
            let response = try await client.postMCP(RPC.echo("pwned"), headers: bearer("Bearer \(token)"))
            #expect(response.status == .unauthorized)
            #expect(response.detail == detail)
            #expect(
                response.headers[.wwwAuthenticate]
                    == #"Bearer realm="mcp-server", error="invalid_token", error_description="\#(detail)""#)
            #expect(try response.json()["result"] == nil)
        }
    }

    @Test(
        "malformed Authorization headers get 401 invalid_request",
        arguments: [
            ("Bearer ", "Bearer token is empty"),
            ("Bearer", "Bearer token is empty"),
            ("Basic YWxpY2U6YWxpY2UxMjM=", "Authorization header must be: Bearer <token>"),
            ("Bearer TOKEN extra", "Bearer token has characters a token cannot have (spaces?)"),
            ("TOKEN", "Authorization header must be: Bearer <token>"),
            ("Bear TOKEN", "Authorization header must be: Bearer <token>"),
            ("Bearers TOKEN", "Authorization header must be: Bearer <token>"),
            ("Bearar TOKEN", "Authorization header must be: Bearer <token>"),
        ])
    func malformedHeaders(value: String, detail: String) async throws {
        let token = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        try await step6App().test(.router) { client in
            let response = try await client.postMCP(
                RPC.ping, headers: bearer(value.replacingOccurrences(of: "TOKEN", with: token)))
            #expect(response.status == .unauthorized)
            #expect(response.detail == detail)
            #expect(response.headers[.wwwAuthenticate]?.contains(#"error="invalid_request""#) == true)
        }
    }

    @Test(
        "one or more spaces after Bearer are all accepted (RFC 6750 §2.1: 1*SP)",
        arguments: ["Bearer TOKEN", "Bearer  TOKEN", "bearer    TOKEN", "BEARER TOKEN", "bEaReR TOKEN"])
    func spacesAfterScheme(value: String) async throws {
        let token = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        try await step6App().test(.router) { client in
            let response = try await client.postMCP(
                RPC.ping, headers: bearer(value.replacingOccurrences(of: "TOKEN", with: token)))
            #expect(response.status == .ok)
        }
    }

    @Test("a token in the query string is ignored")
    func tokenInQuery() async throws {
        let token = try await DemoKeys.token("alice", scopes: ["mcp:tools"])
        try await step6App().test(.router) { client in
            let response = try await client.postMCP(RPC.ping, path: "/mcp?access_token=\(token)")
            #expect(response.status == .unauthorized)
            #expect(response.detail == "Authorization header missing")
        }
    }

    @Test("/health and the JWKS stay public; /health says auth_required")
    func publicEndpoints() async throws {
        try await step6App().test(.router) { client in
            let health = try await client.get("/health")
            #expect(try health.json()["auth_required"] == true)
            #expect(try await client.get("/.well-known/jwks.json").status == .ok)
        }
    }

    @Test("without keys, /mcp answers 503 rather than 401")
    func noKeys() async throws {
        let empty = KeyDirectory(
            path: FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path)
        let app = Application(router: makeRouter(try ServerOptions.parse([]), keys: await PublicKeys.load(from: empty)))
        let token = try await DemoKeys.token("alice")
        try await app.test(.router) { client in
            let response = try await client.postMCP(RPC.ping, headers: bearer("Bearer \(token)"))
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] != nil)
        }
    }

    /// The token of each refused kind.
    static func token(_ kind: String) async throws -> String {
        switch kind {
        case "expired": return try await DemoKeys.token("alice", lifetime: -3600)
        case "expired beyond the leeway": return try await DemoKeys.token("alice", lifetime: -61)
        case "wrong issuer": return try await DemoKeys.token("alice", issuer: "https://evil.example")
        case "wrong audience": return try await DemoKeys.token("alice", audience: ["some-other-api"])
        case "not yet valid": return ForgedToken.notYetValid(Date().addingTimeInterval(600))
        case "no exp": return ForgedToken.withoutExpiry()
        case "alg none": return ForgedToken.unsigned()
        case "HS256 with the public key": return ForgedToken.hmacWithPublicKey()
        case "unknown kid":
            return try await DemoKeys.issuer(kid: "other-key").issue(
                username: "alice", scopes: [], audience: ["mcp-server"]
            ).token
        case "tampered payload": return ForgedToken.tamperedPayload(try await DemoKeys.token("alice"))
        case "tampered signature": return ForgedToken.tamperedSignature(try await DemoKeys.token("alice"))
        case "another key": return try await ForgedToken.signedWithAnotherKey()
        case "invalid.token.here": return kind
        default: return "not.a.jwt"
        }
    }
}
