/// Step 10, Going further: DPoP — server-provided nonces (RFC 9449 §8): stateless, and required where configured.
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import Shared
import TestSupport
import Testing

@testable import MCPAuth

/// /mcp behind the DPoP middleware requiring `nonces`.
func nonceApp(_ issuer: TestTokenIssuer, nonces: DPoPNonces) -> some ApplicationProtocol {
    let verifier = TokenVerifier(keys: issuer.keySet, issuers: [issuer.issuer], audiences: [issuer.audience])
    let middleware = DPoPTokenMiddleware<MCPRequestContext>(
        verifier: verifier, proofs: DPoPProofVerifier(nonces: nonces), publicBaseURL: publicBaseURL,
        challenge: resourceChallenge())
    let router = Router(context: MCPRequestContext.self)
    MCPEndpoint(handler: RecordingHandler()).addRoutes(to: router.group("/mcp").add(middleware: middleware))
    return Application(router: router)
}

// MARK: Tests

@Suite("DPoP nonces (step 10, Going further)")
struct DPoPNonceTests {
    @Test("a nonce is good in its window and the next, under its key only; replicas with one secret share them")
    func statelessNonces() {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        let nonces = DPoPNonces(windowSeconds: 60, now: { clock.now })
        let nonce = nonces.current()
        #expect(nonces.isValid(nonce))
        clock.advance(by: 60)
        #expect(nonces.isValid(nonce))
        clock.advance(by: 60)
        #expect(!nonces.isValid(nonce))
        #expect(!DPoPNonces(now: { clock.now }).isValid(nonces.current()))
        #expect(!nonces.isValid("not-a-nonce"))
        let replicaA = DPoPNonces(secret: "shared", now: { clock.now })
        let replicaB = DPoPNonces(secret: "shared", now: { clock.now })
        #expect(replicaB.isValid(replicaA.current()))
    }

    @Test("a resource requiring nonces answers use_dpop_nonce with a DPoP-Nonce; a proof carrying it passes")
    func resourceNonce() async throws {
        let issuer = TestTokenIssuer()
        let key = DPoPKey()
        let token = issuer.token("alice", boundTo: key)
        try await nonceApp(issuer, nonces: DPoPNonces()).test(.router) { client in
            let first = try await client.postMCP(
                RPC.ping, headers: dpopHeaders(token, proofs: [try resourceProof(key, token: token)]))
            #expect(first.status == .unauthorized)
            #expect(first.headers[values: .wwwAuthenticate].last?.hasPrefix(#"DPoP error="use_dpop_nonce""#) == true)
            let nonce = try #require(first.headers[.dpopNonce])
            let proof = try key.proof(method: "POST", url: publicBaseURL + "/mcp", accessToken: token, nonce: nonce)
            #expect(try await client.postMCP(RPC.ping, headers: dpopHeaders(token, proofs: [proof])).status == .ok)
            let forged = try key.proof(method: "POST", url: publicBaseURL + "/mcp", accessToken: token, nonce: "AAAA")
            let refused = try await client.postMCP(RPC.ping, headers: dpopHeaders(token, proofs: [forged]))
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.dpopNonce] != nil)
        }
    }
}
