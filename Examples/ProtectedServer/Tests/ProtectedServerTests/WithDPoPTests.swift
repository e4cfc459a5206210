/// Recipe 3 as a client sees it: a bound token with a fresh proof passes; a bearer token, a missing proof, a replayed
/// one, one for another URL, one of another key are refused, each with its challenge.
import Foundation
import Hummingbird
import HummingbirdTesting
import MCPAuth
import ProtectedServer
import Testing

@Suite("Recipe 3: DPoP")
struct WithDPoPTests {
    let issuer = TestIssuer()
    let url = "https://mcp.example/mcp"

    func call(
        _ client: some TestClientProtocol, scheme: String = "DPoP", token: String, proof: String?
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json", .authorization: "\(scheme) \(token)"]
        if let proof { headers[.dpop] = proof }
        let body = #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo"}}"#
        return try await client.execute(uri: "/mcp", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("bound token and fresh proof: 200 with the key; bearer, no proof, replay, other URL, other key: 401")
    func recipe() async throws {
        let router = try dpopRouter(
            publicKeyPEM: issuer.key.publicKey.pemRepresentation, serverURL: "https://mcp.example",
            issuer: TestIssuer.issuer)
        let key = DPoPKey()
        let token = try issuer.token(scope: "mcp:tools", jkt: key.thumbprint)
        try await Application(router: router).test(.router) { client in
            let proof = try key.proof(method: "POST", url: url, accessToken: token)
            let allowed = try await call(client, token: token, proof: proof)
            #expect(allowed.status == .ok)
            #expect(String(buffer: allowed.body).contains(#""key":"\#(key.thumbprint)""#))

            let replayed = try await call(client, token: token, proof: proof)
            #expect(replayed.status == .unauthorized)
            #expect(replayed.headers[values: .wwwAuthenticate].contains { $0.contains("invalid_dpop_proof") })

            let asBearer = try await call(client, scheme: "Bearer", token: token, proof: nil)
            #expect(asBearer.status == .unauthorized)
            #expect(asBearer.headers[values: .wwwAuthenticate].contains { $0.hasPrefix("DPoP") })

            let noProof = try await call(client, token: token, proof: nil)
            #expect(noProof.status == .unauthorized)

            let elsewhere = try key.proof(method: "POST", url: "https://other.example/mcp", accessToken: token)
            #expect(try await call(client, token: token, proof: elsewhere).status == .unauthorized)

            let otherKey = try DPoPKey().proof(method: "POST", url: url, accessToken: token)
            #expect(try await call(client, token: token, proof: otherKey).status == .unauthorized)

            let unbound = try issuer.token(scope: "mcp:tools")
            let bearerOnly = try await call(client, scheme: "Bearer", token: unbound, proof: nil)
            #expect(bearerOnly.status == .unauthorized)

            let metadata = try await client.execute(uri: "/.well-known/oauth-protected-resource/mcp", method: .get)
            #expect(String(buffer: metadata.body).contains(#""dpop_bound_access_tokens_required":true"#))
        }
    }
}
