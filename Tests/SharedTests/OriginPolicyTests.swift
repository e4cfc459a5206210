/// OriginPolicy and the Host check, as pure functions.
import Hummingbird
import Testing

@testable import Shared

@Suite("OriginPolicy")
struct OriginPolicyTests {
    @Test("a missing Origin is refused or allowed by named choice")
    func missingOrigin() throws {
        #expect(throws: HTTPRequestError.originMissing) { try OriginPolicy.requireOrigin.check(nil) }
        try OriginPolicy.allowMissingOrigin.check(nil)
    }

    @Test("origins are compared parsed and normalised, not by prefix")
    func normalised() throws {
        let policy = OriginPolicy.allowMissingOrigin.allowing(["HTTPS://App.Example:8443/"])
        try policy.check("https://app.example:8443")
        #expect(throws: HTTPRequestError.self) { try policy.check("https://app.example:8443.evil.com") }
        #expect(throws: HTTPRequestError.self) { try policy.check("https://app.example") }
    }

    @Test("a scheme's default port is the origin without a port, as browsers send it")
    func defaultPorts() throws {
        try OriginPolicy.allowMissingOrigin.allowing(["https://app.example:443"]).check("https://app.example")
        try OriginPolicy.allowMissingOrigin.allowing(["https://app.example"]).check("https://app.example:443")
        #expect(throws: HTTPRequestError.self) {
            try OriginPolicy.allowMissingOrigin.allowing(["https://app.example:80"]).check("https://app.example")
        }
    }

    @Test("a redirect URI's origin is its scheme, host and port; its path, query and user are not part of it")
    func redirectURIOrigins() {
        #expect(WebOrigin(uri: "https://App.Example:443/oauth/callback?x=1")?.serialised == "https://app.example")
        #expect(WebOrigin(uri: "http://localhost:6274/oauth/callback")?.serialised == "http://localhost:6274")
        #expect(WebOrigin(uri: "com.example.app:/callback") == nil)
    }

    @Test("Host values are reduced to their name, IPv6 in brackets")
    func hostNames() {
        #expect(HostValidationMiddleware<BasicRequestContext>.hostName(of: "LocalHost:9000") == "localhost")
        #expect(HostValidationMiddleware<BasicRequestContext>.hostName(of: "[::1]:9000") == "[::1]")
        #expect(HostValidationMiddleware<BasicRequestContext>.hostName(of: "127.0.0.1") == "127.0.0.1")
    }

    @Test("the Host check is on when bound to loopback, off otherwise unless hosts are configured")
    func hostCheckSwitch() {
        #expect(HostValidationMiddleware<BasicRequestContext>(bindAddress: "127.0.0.1").allowedNames != nil)
        #expect(HostValidationMiddleware<BasicRequestContext>(bindAddress: "::1").allowedNames != nil)
        #expect(HostValidationMiddleware<BasicRequestContext>(bindAddress: "0.0.0.0").allowedNames == nil)
        #expect(
            HostValidationMiddleware<BasicRequestContext>(bindAddress: "0.0.0.0", allowedHosts: ["mcp.example"])
                .allowedNames?.contains("mcp.example") == true)
    }
}
