/// Step 10, Going further: DPoP — the middleware in front of /mcp: DPoP-bound tokens with proofs, bearer tokens unless required.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MCP
import Shared
import Synchronization
import TestSupport
import Testing

/// The public base URL the resource is configured with; requests reach it at `<this>/mcp`.
let publicBaseURL = "https://resource.test"
let metadataURL = "https://resource.test/.well-known/oauth-protected-resource/mcp"

/// The challenges of the resource under test, with `policy`.
func resourceChallenge(_ policy: DPoPPolicy = .allowed) -> DPoPChallenge {
    DPoPChallenge(bearer: BearerChallenge(resourceMetadata: metadataURL), policy: policy)
}

/// /mcp behind the DPoP middleware with `policy`, trusting `issuer`, serving `handler`, logging into `logs`.
func dpopApp(
    _ issuer: TestTokenIssuer, policy: DPoPPolicy = .allowed, serving handler: some JSONRPCHandler,
    logs: LogLines = LogLines()
)
    -> some ApplicationProtocol
{
    let verifier = TokenVerifier(keys: issuer.keySet, issuers: [issuer.issuer], audiences: [issuer.audience])
    let middleware = DPoPTokenMiddleware<MCPRequestContext>(
        verifier: verifier, proofs: DPoPProofVerifier(), publicBaseURL: publicBaseURL,
        challenge: resourceChallenge(policy))
    let router = Router(context: MCPRequestContext.self)
    MCPEndpoint(handler: handler).addRoutes(to: router.group("/mcp").add(middleware: middleware))
    return Application(router: router, logger: logs.logger)
}

/// /mcp behind the DPoP middleware with `policy`, trusting `issuer`, recording into `handler` and `logs`.
func dpopApp(
    _ issuer: TestTokenIssuer, policy: DPoPPolicy = .allowed, handler: RecordingHandler = RecordingHandler(),
    logs: LogLines = LogLines()
) -> some ApplicationProtocol {
    dpopApp(issuer, policy: policy, serving: handler, logs: logs)
}

/// MCP POST headers carrying `Authorization: DPoP <token>` and each of `proofs` as a `DPoP` header.
func dpopHeaders(_ token: String, proofs: [String]) -> HTTPFields {
    var headers = HTTPFields.mcpPost.with(.authorization, "DPoP \(token)")
    for proof in proofs { headers.append(HTTPField(name: .dpop, value: proof)) }
    return headers
}

/// A fresh proof by `key` for a POST to the resource with `token`.
func resourceProof(_ key: DPoPKey, token: String, url: String = publicBaseURL + "/mcp") throws -> String {
    try key.proof(method: "POST", url: url, accessToken: token)
}

let plainBearer = #"Bearer realm="mcp-server", resource_metadata="\#(metadataURL)""#
let plainDPoP = #"DPoP algs="ES256 RS256", resource_metadata="\#(metadataURL)""#

// MARK: Tests

@Suite("DPoP middleware (step 10, Going further)")
struct DPoPTokenMiddlewareTests {
    @Test("more than one space after the scheme is accepted, for DPoP and Bearer alike (RFC 6750 §2.1: 1*SP)")
    func spacesAfterScheme() async throws {
        let issuer = TestTokenIssuer()
        let key = DPoPKey()
        let bound = issuer.token("alice", boundTo: key)
        let plain = issuer.token("bob")
        try await dpopApp(issuer).test(.router) { client in
            var headers = HTTPFields.mcpPost.with(.authorization, "DPoP   \(bound)")
            headers.append(HTTPField(name: .dpop, value: try resourceProof(key, token: bound)))
            #expect(try await client.postMCP(RPC.echo("a"), headers: headers).status == .ok)
            let bearer = try await client.postMCP(
                RPC.echo("b"), headers: HTTPFields.mcpPost.with(.authorization, "Bearer  \(plain)"))
            #expect(bearer.status == .ok)
        }
    }

    @Test("a bound token with a fresh proof of its key passes, once per proof; the caller knows the binding")
    func boundTokenWithProof() async throws {
        let issuer = TestTokenIssuer()
        let key = DPoPKey()
        let token = issuer.token("alice", boundTo: key)
        let handler = RecordingHandler()
        let logs = LogLines()
        try await dpopApp(issuer, handler: handler, logs: logs).test(.router) { client in
            let proof = try resourceProof(key, token: token)
            #expect(try await client.postMCP(RPC.echo("a"), headers: dpopHeaders(token, proofs: [proof])).status == .ok)
            #expect(
                try await client.postMCP(
                    RPC.echo("b"), headers: dpopHeaders(token, proofs: [try resourceProof(key, token: token)])
                ).status == .ok)
            let replayed = try await client.postMCP(RPC.echo("c"), headers: dpopHeaders(token, proofs: [proof]))
            #expect(replayed.status == .unauthorized)
            #expect(replayed.detail == "DPoP proof was already used (jti replayed)")
            #expect(
                replayed.headers[values: .wwwAuthenticate] == [
                    plainBearer,
                    #"DPoP error="invalid_dpop_proof", error_description="DPoP proof was already used (jti replayed)", algs="ES256 RS256", resource_metadata="\#(metadataURL)""#,
                ])
        }
        #expect(handler.calls.withLock { $0 } == ["tools/call", "tools/call"])
        #expect(logs.all.contains("authenticated alice via DPoP jkt=\(key.thumbprint)"))
        #expect(logs.all.contains("for alice: DPoP proof was already used (jti replayed)"))
        #expect(!logs.all.contains(token))
    }

    @Test("the DPoP header must be there, once")
    func proofHeaderCount() async throws {
        let issuer = TestTokenIssuer()
        let key = DPoPKey()
        let token = issuer.token("alice", boundTo: key)
        try await dpopApp(issuer).test(.router) { client in
            let missing = try await client.postMCP(RPC.ping, headers: dpopHeaders(token, proofs: []))
            #expect(missing.status == .unauthorized)
            #expect(missing.detail == "DPoP proof header missing")
            let twice = try await client.postMCP(
                RPC.ping,
                headers: dpopHeaders(
                    token, proofs: [try resourceProof(key, token: token), try resourceProof(key, token: token)]))
            #expect(twice.status == .unauthorized)
            #expect(twice.detail == "More than one DPoP header")
            #expect(
                twice.headers[values: .wwwAuthenticate].last?.hasPrefix(#"DPoP error="invalid_dpop_proof""#) == true)
        }
    }

    @Test(
        "a proof by another key, for another token, method or URL is refused; the URL is the configured one, not Host")
    func proofMismatches() async throws {
        let issuer = TestTokenIssuer()
        let key = DPoPKey()
        let token = issuer.token("alice", boundTo: key)
        let handler = RecordingHandler()
        try await dpopApp(issuer, handler: handler).test(.router) { client in
            let cases: [(String, String)] = [
                (try DPoPKey().proof(method: "POST", url: publicBaseURL + "/mcp", accessToken: token), "cnf.jkt"),
                (try resourceProof(key, token: issuer.token("alice", boundTo: key) + "x"), "ath"),
                (try key.proof(method: "GET", url: publicBaseURL + "/mcp", accessToken: token), "htm"),
                (try resourceProof(key, token: token, url: "http://localhost/mcp"), "htu"),
            ]
            for (proof, rule) in cases {
                let response = try await client.postMCP(RPC.ping, headers: dpopHeaders(token, proofs: [proof]))
                #expect(response.status == .unauthorized, "\(rule)")
                #expect(response.detail?.contains(rule) == true, "\(rule): \(response.detail ?? "")")
            }
            // The test client's requests name Host localhost; the proof names the configured public URL, and that is what counts.
            #expect(
                try await client.postMCP(
                    RPC.ping, headers: dpopHeaders(token, proofs: [try resourceProof(key, token: token)])
                ).status == .ok)
        }
        #expect(handler.calls.withLock { $0 } == ["ping"])
    }

    @Test("a bound token sent as Bearer is refused, whatever the policy; an unbound one sent as DPoP too")
    func schemeMismatches() async throws {
        let issuer = TestTokenIssuer()
        let key = DPoPKey()
        let bound = issuer.token("alice", boundTo: key)
        let unbound = issuer.token("bob")
        let logs = LogLines()
        try await dpopApp(issuer, logs: logs).test(.router) { client in
            let asBearer = try await client.postMCP(
                RPC.ping, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(bound)"))
            #expect(asBearer.status == .unauthorized)
            #expect(
                asBearer.headers[values: .wwwAuthenticate] == [
                    #"Bearer realm="mcp-server", resource_metadata="\#(metadataURL)", error="invalid_token", error_description="Token is bound to a DPoP key (cnf.jkt): send it as Authorization: DPoP <token> with a DPoP proof""#,
                    plainDPoP,
                ])
            let unboundAsDPoP = try await client.postMCP(
                RPC.ping, headers: dpopHeaders(unbound, proofs: [try resourceProof(key, token: unbound)]))
            #expect(unboundAsDPoP.status == .unauthorized)
            #expect(
                unboundAsDPoP.headers[values: .wwwAuthenticate].last?.hasPrefix(
                    #"DPoP error="invalid_token", error_description="Token is not bound"#) == true)
            #expect(
                try await client.postMCP(
                    RPC.ping, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(unbound)")
                ).status == .ok)
            let noToken = try await client.postMCP(RPC.ping)
            #expect(noToken.status == .unauthorized)
            #expect(noToken.headers[values: .wwwAuthenticate] == [plainBearer, plainDPoP])
        }
        #expect(logs.all.contains("refused POST /mcp for alice: Token is bound to a DPoP key"))
        try await dpopApp(issuer, policy: .required).test(.router) { client in
            let asBearer = try await client.postMCP(
                RPC.ping, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(bound)"))
            #expect(asBearer.status == .unauthorized)
        }
    }

    @Test("DPoP required: bearer tokens are refused with the DPoP challenge alone; DPoP-bound ones pass")
    func required() async throws {
        let issuer = TestTokenIssuer()
        let key = DPoPKey()
        let bound = issuer.token("alice", boundTo: key)
        try await dpopApp(issuer, policy: .required).test(.router) { client in
            let bearer = try await client.postMCP(
                RPC.ping, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(issuer.token("bob"))"))
            #expect(bearer.status == .unauthorized)
            #expect(
                bearer.headers[values: .wwwAuthenticate] == [
                    #"DPoP error="invalid_token", error_description="This resource requires DPoP: send Authorization: DPoP <token> with a DPoP proof", algs="ES256 RS256", resource_metadata="\#(metadataURL)""#
                ])
            #expect(try await client.postMCP(RPC.ping).headers[values: .wwwAuthenticate] == [plainDPoP])
            let basic = try await client.postMCP(
                RPC.ping, headers: HTTPFields.mcpPost.with(.authorization, "Basic YTpi"))
            #expect(basic.detail == "Authorization header must be: DPoP <token>")
            #expect(
                try await client.postMCP(
                    RPC.ping, headers: dpopHeaders(bound, proofs: [try resourceProof(key, token: bound)])
                ).status == .ok)
        }
    }

    @Test("a token bound by a confirmation method this server cannot check is refused")
    func unknownConfirmation() async throws {
        let issuer = TestTokenIssuer()
        let key = DPoPKey()
        try await dpopApp(issuer).test(.router) { client in
            for cnf: [String: Any] in [["x5t#S256": "abc"], ["jkt": key.thumbprint, "x5t#S256": "abc"], ["jkt": ""]] {
                let token = issuer.token("alice", cnf: cnf)
                let asBearer = try await client.postMCP(
                    RPC.ping, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(token)"))
                #expect(asBearer.status == .unauthorized)
                let asDPoP = try await client.postMCP(
                    RPC.ping, headers: dpopHeaders(token, proofs: [try resourceProof(key, token: token)]))
                #expect(asDPoP.status == .unauthorized)
            }
        }
    }

    @Test(
        "a tool's own requireScope refusal answers a DPoP-bound caller with the DPoP challenge, a bearer caller with the Bearer one"
    )
    func toolScopeRefusal() async throws {
        let issuer = TestTokenIssuer()
        let key = DPoPKey()
        let bound = issuer.token("alice", scopes: ["mcp:tools"], boundTo: key)
        let dispatcher = MCPDispatcher(methods: .all, tools: [ServerStatsTool()])
        let scoped = ScopeEnforcingHandler(dispatcher, policy: .step8, challenge: resourceChallenge())
        let needed =
            #"error="insufficient_scope", scope="mcp:admin", error_description="Insufficient scope: this request needs mcp:admin""#
        try await dpopApp(issuer, serving: scoped).test(.router) { client in
            let stats = RPC.callTool("server_stats")
            let asDPoP = try await client.postMCP(
                stats, headers: dpopHeaders(bound, proofs: [try resourceProof(key, token: bound)]))
            #expect(asDPoP.status == .forbidden)
            #expect(
                asDPoP.headers[values: .wwwAuthenticate] == [
                    #"DPoP \#(needed), algs="ES256 RS256", resource_metadata="\#(metadataURL)""#
                ])
            #expect(try asDPoP.json()["error"]?["code"] == .int(AuthRejection.forbiddenCode))
            let asBearer = try await client.postMCP(
                stats, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(issuer.token("bob"))"))
            #expect(asBearer.status == .forbidden)
            #expect(
                asBearer.headers[values: .wwwAuthenticate] == [
                    #"Bearer realm="mcp-server", resource_metadata="\#(metadataURL)", \#(needed)"#
                ])
            #expect(try asBearer.json()["error"]?["code"] == .int(AuthRejection.forbiddenCode))
        }
    }

    @Test("the bearer middleware of steps 6–8 refuses a DPoP-bound token too")
    func bearerMiddlewareRefusesBoundTokens() async throws {
        let issuer = TestTokenIssuer()
        let verifier = TokenVerifier(keys: issuer.keySet, issuers: [issuer.issuer], audiences: [issuer.audience])
        let router = Router(context: MCPRequestContext.self)
        MCPEndpoint(handler: RecordingHandler()).addRoutes(
            to: router.group("/mcp").add(
                middleware: BearerTokenMiddleware(verifier: verifier, challenge: BearerChallenge())))
        try await Application(router: router).test(.router) { client in
            let bound = try await client.postMCP(
                RPC.ping,
                headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(issuer.token("a", boundTo: DPoPKey()))"))
            #expect(bound.status == .unauthorized)
            #expect(bound.detail?.hasPrefix("Token is bound to a DPoP key") == true)
            #expect(
                try await client.postMCP(
                    RPC.ping, headers: HTTPFields.mcpPost.with(.authorization, "Bearer \(issuer.token("a"))")
                ).status == .ok)
        }
    }
}
