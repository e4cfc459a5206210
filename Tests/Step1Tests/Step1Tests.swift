/// Step 1: the health endpoint and the DNS-rebinding defence (Origin and Host).
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import TestSupport
import Testing

@testable import step1

func step1App(_ arguments: String...) throws -> some ApplicationProtocol {
    Application(router: makeRouter(try ServerOptions.parse(arguments)))
}

// MARK: Tests

@Suite("Step 1")
struct Step1Tests {
    @Test("GET /health answers {\"status\":\"healthy\"}")
    func health() async throws {
        try await step1App().test(.router) { client in
            let response = try await client.get("/health")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.text == #"{"status":"healthy"}"#)
        }
    }

    @Test("/health is exempt from Origin checks, even a hostile one")
    func healthIsExempt() async throws {
        try await step1App().test(.router) { client in
            let response = try await client.get("/health", headers: [.origin: "http://evil.example"])
            #expect(response.status == .ok)
        }
    }

    @Test("a request without Origin is refused outside /health")
    func missingOriginRefused() async throws {
        try await step1App().test(.router) { client in
            let response = try await client.get("/mcp")
            #expect(response.status == .forbidden)
            #expect(response.detail == "Origin header required")
        }
    }

    @Test(
        "origins that only look local are refused",
        arguments: [
            "http://localhost.evil.com", "null", "http://127.0.0.1.nip.io", "https://evil.example",
            "http://evil.example/http://localhost", "ftp://localhost", "http://user@localhost", "http://localhost/path",
            "localhost", "",
        ])
    func hostileOrigins(origin: String) async throws {
        try await step1App().test(.router) { client in
            let response = try await client.get("/anything", headers: [.origin: origin])
            #expect(response.status == .forbidden)
            #expect(response.detail == "Origin not allowed: \(origin)")
        }
    }

    @Test(
        "loopback origins on any port pass the check",
        arguments: [
            "http://localhost", "http://localhost:6274", "http://127.0.0.1:8080", "http://[::1]:3000",
            "HTTP://LOCALHOST:80",
        ])
    func loopbackOrigins(origin: String) async throws {
        try await step1App().test(.router) { client in
            // Step 1 serves nothing but /health, so a request that passes the check finds no route.
            let response = try await client.get("/anything", headers: [.origin: origin])
            #expect(response.status == .notFound)
        }
    }

    @Test("https on loopback is refused by default, as in the posts, and allowed once named")
    func httpsLoopback() async throws {
        try await step1App().test(.router) { client in
            let response = try await client.get("/anything", headers: [.origin: "https://localhost:3000"])
            #expect(response.status == .forbidden)
        }
        try await step1App("--allowed-origin", "https://localhost:3000").test(.router) { client in
            let named = try await client.get("/anything", headers: [.origin: "https://localhost:3000"])
            #expect(named.status == .notFound)
            let other = try await client.get("/anything", headers: [.origin: "https://localhost:3001"])
            #expect(other.status == .forbidden)
        }
    }

    @Test("--allowed-origin adds exactly that origin")
    func configuredOrigin() async throws {
        try await step1App("--allowed-origin", "https://inspector.example").test(.router) { client in
            let cases: [(String, HTTPResponse.Status)] = [
                ("https://inspector.example", .notFound),
                ("https://inspector.example:8443", .forbidden),
                ("http://inspector.example", .forbidden),
            ]
            for (origin, status) in cases {
                let response = try await client.get("/x", headers: [.origin: origin])
                #expect(response.status == status)
            }
        }
    }

    @Test("a Host header naming another server gets 421 while bound to loopback")
    func hostileHost() async throws {
        let router = makeRouter(try ServerOptions.parse([]))
        let refused = try await router.respond(to: "/health", authority: "evil.example:9000")
        #expect(refused.status == .misdirectedRequest)
        for local in ["localhost:9000", "[::1]:9000", "127.0.0.1"] {
            #expect(try await router.respond(to: "/health", authority: local).status == .ok)
        }
    }

    @Test("--port and --host are parsed; PORT is the fallback; bad values are refused")
    func options() throws {
        let options = try ServerOptions.parse(["--port", "9123", "--host", "0.0.0.0"])
        #expect(options.listenPort == 9123)
        #expect(options.host == "0.0.0.0")
        #expect(try ServerOptions.parse([]).host == "127.0.0.1")
        #expect(throws: (any Error).self) { try ServerOptions.parse(["--port", "70000"]) }
        #expect(throws: (any Error).self) { try ServerOptions.parse(["--log-level", "loud"]) }
    }
}
