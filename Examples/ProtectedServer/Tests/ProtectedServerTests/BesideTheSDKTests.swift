/// Recipe 2 as a client sees it: 401 and the challenge, 200 naming the caller, 403 and `insufficient_scope` from the
/// scope policy and from a tool.
import Foundation
import Hummingbird
import HummingbirdTesting
import ProtectedServer
import Testing

@Suite("Recipe 2: beside the SDK's Server")
struct BesideTheSDKTests {
    let issuer = TestIssuer()

    func call(_ client: some TestClientProtocol, tool: String, token: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json", .accept: "application/json, text/event-stream"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let body = #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"\#(tool)","arguments":{}}}"#
        return try await client.execute(uri: "/mcp", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("no token: 401; mcp:tools: 200 naming alice; delete without files:delete, or no mcp:tools: 403")
    func recipe() async throws {
        let router = try await sdkRouter(
            publicKeyPEM: issuer.key.publicKey.pemRepresentation, serverURL: "https://mcp.example",
            issuer: TestIssuer.issuer)
        try await Application(router: router).test(.router) { client in
            let anonymous = try await call(client, tool: "list", token: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate]?.contains("resource_metadata=") == true)

            let allowed = try await call(client, tool: "list", token: try issuer.token(scope: "mcp:tools"))
            #expect(allowed.status == .ok)
            #expect(String(buffer: allowed.body).contains(#""text":"list by alice""#))

            let delete = try await call(client, tool: "delete", token: try issuer.token(scope: "mcp:tools"))
            #expect(delete.status == .forbidden)
            #expect(delete.headers[.wwwAuthenticate]?.contains(#"scope="files:delete""#) == true)
            #expect(String(buffer: delete.body).contains(#""id":3"#))

            let deleted = try await call(
                client, tool: "delete", token: try issuer.token(scope: "mcp:tools files:delete"))
            #expect(String(buffer: deleted.body).contains(#""text":"delete by alice""#))

            let reader = try await call(client, tool: "list", token: try issuer.token(scope: "mcp:read"))
            #expect(reader.status == .forbidden)
            #expect(
                reader.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope", scope="mcp:tools""#) == true)
        }
    }
}
