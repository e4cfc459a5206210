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
