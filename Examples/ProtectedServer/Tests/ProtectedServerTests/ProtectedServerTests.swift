/// Recipe 1 as a client sees it: 401 and the challenge, 200, 403 and `insufficient_scope`, 400 for a bad message.
import Foundation
import Hummingbird
import HummingbirdTesting
import ProtectedServer
import Testing

@Suite("Recipe 1: a Hummingbird endpoint with local keys")
struct ProtectedServerTests {
    let issuer = TestIssuer()

    func call(_ client: some TestClientProtocol, _ method: String, token: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json", .accept: "application/json, text/event-stream"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(
            uri: "/mcp", method: .post, headers: headers,
            body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":7,"method":"\#(method)","params":{}}"#))
    }

    @Test("no token: 401 with a challenge naming the resource metadata; a token with the scope: 200; without: 403")
    func recipe() async throws {
        let router = try protectedRouter(
            publicKeyPEM: issuer.key.publicKey.pemRepresentation, serverURL: "https://mcp.example",
            issuer: TestIssuer.issuer)
        try await Application(router: router).test(.router) { client in
            let anonymous = try await call(client, "tools/call", token: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(
                anonymous.headers[.wwwAuthenticate]
                    == #"Bearer realm="mcp-server", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp""#
            )
            let metadata = try await client.execute(uri: "/.well-known/oauth-protected-resource/mcp", method: .get)
            #expect(String(buffer: metadata.body).contains(#""authorization_servers":["https://auth.example"]"#))

            let allowed = try await call(client, "tools/call", token: try issuer.token(scope: "mcp:tools"))
            #expect(allowed.status == .ok)
            #expect(
                String(buffer: allowed.body)
                    == #"{"jsonrpc":"2.0","id":7,"result":{"method":"tools/call","user":"alice"}}"#)

            let forbidden = try await call(client, "tools/call", token: try issuer.token(scope: "mcp:read"))
            #expect(forbidden.status == .forbidden)
            #expect(
                forbidden.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope", scope="mcp:tools""#) == true
            )
            #expect(String(buffer: forbidden.body).contains(#""id":7"#))

            let otherAudience = try await call(
                client, "ping", token: try issuer.token(scope: "mcp:tools", audience: "https://elsewhere.example/mcp"))
            #expect(otherAudience.status == .unauthorized)

            let malformed = try await client.execute(
                uri: "/mcp", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer \(try issuer.token(scope: ""))"],
                body: ByteBuffer(string: "{not json"))
            #expect(malformed.status == .badRequest)
            #expect(String(buffer: malformed.body).contains(#""code":-32700"#))
        }
    }
}
