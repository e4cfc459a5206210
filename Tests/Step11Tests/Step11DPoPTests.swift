/// Step 11, Going further: DPoP — the client's whole flow with DPoP-bound tokens, what a captured token is worth, and the refusals.
import Foundation
import HTTPTypes
import Hummingbird
import Shared
import SharedRemote
import Synchronization
import TestSupport
import Testing

/// What went over the wire to the MCP endpoint, as a network observer would capture it: each request's headers, and the
/// challenges of its answer.
final class Wire: Sendable {
    struct Request: Sendable {
        let authorization: String?
        let proofs: [String]
        /// The `WWW-Authenticate` fields of the answer.
        var challenges: [String] = []
    }

    private let requests = Mutex<[Request]>([])
    var captured: [Request] { requests.withLock { $0 } }
    func record(_ request: Request) { requests.withLock { $0.append(request) } }
}

/// Records the `Authorization` and `DPoP` headers of every request to `/mcp` on `wire`, lets it through, and records the
/// challenges of the answer (a refusal too).
struct WireTap: RouterMiddleware {
    let wire: Wire

    func handle(
        _ request: Request, context: MCPRequestContext, next: (Request, MCPRequestContext) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path == "/mcp" else { return try await next(request, context) }
        let response: Response
        do {
            response = try await next(request, context)
        } catch let refusal as any HTTPResponseError {
            response = try refusal.response(from: request, context: context)
        }
        wire.record(
            .init(
                authorization: request.headers[.authorization], proofs: request.headers[values: .dpop],
                challenges: response.headers[values: .wwwAuthenticate]))
        return response
    }
}

/// Replaces the `DPoP` proof of token requests before the realm server sees it: `replacement` gets the token endpoint's URL (nil: no proof).
struct TokenProofRewriter: RouterMiddleware {
    let replacement: @Sendable (_ tokenEndpoint: String) -> String?

    func handle(
        _ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path.hasSuffix("/protocol/openid-connect/token"), request.headers[.dpop] != nil else {
            return try await next(request, context)
        }
        var head = request.head
        head.headerFields[.dpop] = replacement("http://\(head.authority ?? "")\(request.uri.path)")
        return try await next(Request(head: head, body: request.body), context)
    }
}

/// The claims of a proof (or any JWT), unverified.
func claims(of jwt: String) throws -> [String: Any] {
    let payload = try #require(Data(base64URLEncoded: jwt.split(separator: ".", omittingEmptySubsequences: false)[1]))
    return try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
}

/// `tools/call echo` to `url`, with `authorization` and `proof` as given.
func echo(_ http: ClientHTTP, _ url: String, authorization: String, proof: String?) async throws -> ClientHTTP.Response
{
    let body =
        #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"replayed"}}}"#
    let headers =
        [("Content-Type", "application/json"), ("Authorization", authorization)] + (proof.map { [("DPoP", $0)] } ?? [])
    return try await http.send("POST", url, headers: headers, body: Data(body.utf8))
}

/// The `error_description` of the challenge that says what went wrong.
func refusal(_ response: ClientHTTP.Response) -> String? {
    AuthenticationChallenge.parse(response.headers(named: "WWW-Authenticate")).lazy.compactMap {
        $0.parameters["error_description"]
    }.first
}

/// One run of the client as `user` against `demo`, its tokens bound to `key`, its state in `store`: what it returned and said.
func runBound(
    _ demo: Demo, _ user: String, _ password: String, key: DPoPKey, store: OAuthClientStore
) async throws
    -> ([MCPOAuthClient.Outcome], Transcript)
{
    let transcript = Transcript()
    let outcomes = try await withHTTP {
        try await demo.client(user, password, store: store, http: $0, transcript: transcript, dpop: key).run()
    }
    return (outcomes, transcript)
}

// MARK: Tests

@Suite("Step 11: DPoP", .serialized)
struct Step11DPoPTests {
    @Test(
        "mcp-admin with a DPoP key against a server that requires DPoP: bound tokens, a fresh proof per request, every call succeeds"
    )
    func boundFlow() async throws {
        let wire = Wire()
        let demo = try await Demo.start(dpopRequired: true, configureMCP: { $0.add(middleware: WireTap(wire: wire)) })
        let (key, store) = (DPoPKey(), freshStore())
        let (outcomes, transcript) = try await runBound(demo, "mcp-admin", "admin123", key: key, store: store)
        await demo.stop()
        #expect(outcomes.map(\.succeeded) == [true, true, true])
        #expect(transcript.text.contains("← 401 WWW-Authenticate: DPoP algs=\"ES256 RS256\""))
        #expect(transcript.text.contains("DPoP-bound tokens required"))
        #expect(transcript.text.contains("exchanging the code (with the PKCE verifier and a DPoP proof)"))
        #expect(transcript.text.contains("token_type DPoP ✔, cnf.jkt \(key.thumbprint) = this client's key ✔"))
        #expect(transcript.text.contains("⑧ MCP session with DPoP"))
        // The token file records the binding, and is the owner's only.
        let stored = try #require(store.tokens(resource: demo.mcpURL, bound: true))
        #expect(stored.tokenType == "DPoP")
        #expect(stored.boundKeyThumbprint == key.thumbprint)
        #expect(try claims(of: stored.accessToken)["cnf"] as? [String: String] == ["jkt": key.thumbprint])
        #expect(store.tokens(resource: demo.mcpURL) == nil)
        #expect(
            try FileManager.default.attributesOfItem(atPath: store.path("tokens.json"))[.posixPermissions] as? Int
                == 0o600)
        // On the wire: the first call without a token, then every request with the token as DPoP and its own proof of this request.
        let requests = wire.captured
        #expect(requests.first?.authorization == nil)
        let authorized = Array(requests.dropFirst())
        #expect(authorized.count == 5)  // initialize, notifications/initialized, tools/list, tools/call, prompts/list
        #expect(authorized.allSatisfy { $0.authorization == "DPoP \(stored.accessToken)" && $0.proofs.count == 1 })
        let proofs = try authorized.map { try claims(of: try #require($0.proofs.first)) }
        #expect(Set(proofs.compactMap { $0["jti"] as? String }).count == authorized.count)
        for proof in proofs {
            #expect(proof["htm"] as? String == "POST")
            #expect(proof["htu"] as? String == demo.mcpURL)
            #expect(proof["ath"] as? String == DPoPProof.accessTokenHash(stored.accessToken))
        }
    }

    @Test(
        "mcp-user with a DPoP key: the 403 for prompts is a DPoP insufficient_scope challenge, and leads to a bound step-up, not granted"
    )
    func boundStepUp() async throws {
        let wire = Wire()
        let demo = try await Demo.start(configureMCP: { $0.add(middleware: WireTap(wire: wire)) })
        let (key, store) = (DPoPKey(), freshStore())
        let (outcomes, transcript) = try await runBound(demo, "mcp-user", "user123", key: key, store: store)
        await demo.stop()
        #expect(outcomes.map(\.succeeded) == [true, true, false])
        #expect(outcomes[2].detail == "403 insufficient_scope: mcp:prompts not granted")
        #expect(
            transcript.text.contains(
                #"prompts/list ← 403 insufficient_scope, scope="mcp:prompts": step-up authorization 1 of 2"#))
        // The refusal was in the DPoP scheme alone, though this server takes bearer tokens too.
        let refused = try #require(wire.captured.last)
        #expect(refused.challenges.count == 1)
        #expect(refused.challenges.first?.hasPrefix(#"DPoP error="insufficient_scope", scope="mcp:prompts""#) == true)
        // The step-up exchanged its code with a proof too: the token it stored is bound to the client's key.
        #expect(
            transcript.text.components(separatedBy: "exchanging the code (with the PKCE verifier and a DPoP proof)")
                .count == 3)
        let stored = try #require(store.tokens(resource: demo.mcpURL, bound: true))
        #expect(stored.boundKeyThumbprint == key.thumbprint)
    }

    @Test(
        "a token captured from a DPoP run is refused (401) with another key's proof, as Bearer, or with a captured proof (same jti)"
    )
    func capturedTokenIsUseless() async throws {
        let wire = Wire()
        // bearer tokens allowed: only the binding refuses
        let demo = try await Demo.start(configureMCP: { $0.add(middleware: WireTap(wire: wire)) })
        let key = DPoPKey()
        try await withHTTP { http in
            let outcomes = try await demo.client(
                "mcp-admin", "admin123", store: freshStore(), http: http, transcript: Transcript(), dpop: key
            ).run()
            #expect(outcomes.allSatisfy { $0.succeeded })
            let captured = try #require(wire.captured.last)
            let authorization = try #require(captured.authorization)
            let token = String(authorization.dropFirst("DPoP ".count))

            let replayed = try await echo(http, demo.mcpURL, authorization: authorization, proof: captured.proofs.first)
            #expect(replayed.status == 401)
            #expect(refusal(replayed) == "DPoP proof was already used (jti replayed)")

            let thief = DPoPKey()
            let thiefProof = try thief.proof(method: "POST", url: demo.mcpURL, accessToken: token)
            let otherKey = try await echo(http, demo.mcpURL, authorization: authorization, proof: thiefProof)
            #expect(otherKey.status == 401)
            #expect(refusal(otherKey) == "DPoP proof key is not the key the access token is bound to (cnf.jkt)")

            let asBearer = try await echo(http, demo.mcpURL, authorization: "Bearer \(token)", proof: nil)
            #expect(asBearer.status == 401)
            #expect(refusal(asBearer) == BearerTokenMiddleware<MCPRequestContext>.boundTokenAsBearer)

            // The same token with a fresh proof of the client's own key still passes: the refusals above are the binding's.
            let ownerProof = try key.proof(method: "POST", url: demo.mcpURL, accessToken: token)
            let owner = try await echo(http, demo.mcpURL, authorization: authorization, proof: ownerProof)
            #expect(owner.status == 200)
        }
        await demo.stop()
    }

    @Test("a token response that is not bound although a DPoP proof was sent stops the flow, and nothing is stored")
    func unboundTokenRefused() async throws {
        let demo = try await Demo.start(configureRealm: { $0.add(middleware: TokenProofRewriter { _ in nil }) })
        let store = freshStore()
        await #expect(throws: OAuthFlowError.tokenNotDPoPBound("token_type Bearer")) {
            try await withHTTP {
                _ = try await demo.client(
                    "mcp-admin", "admin123", store: store, http: $0, transcript: Transcript(), dpop: DPoPKey()
                ).run()
            }
        }
        await demo.stop()
        #expect(store.tokens(resource: demo.mcpURL, bound: true) == nil)
        #expect(store.tokens(resource: demo.mcpURL) == nil)
    }

    @Test("a token bound to another key (cnf.jkt) than the client's stops the flow")
    func otherKeyRefused() async throws {
        let other = DPoPKey()
        let demo = try await Demo.start(configureRealm: {
            $0.add(middleware: TokenProofRewriter { try? other.proof(method: "POST", url: $0) })
        })
        let key = DPoPKey()
        await #expect(throws: OAuthFlowError.tokenBoundToAnotherKey(expected: key.thumbprint, got: other.thumbprint)) {
            try await withHTTP {
                _ = try await demo.client(
                    "mcp-admin", "admin123", store: freshStore(), http: $0, transcript: Transcript(), dpop: key
                ).run()
            }
        }
        await demo.stop()
    }

    @Test(
        "a stored DPoP token is reused and refreshed with its key; a run with a new key discards it and authorizes again"
    )
    func storedBoundTokens() async throws {
        let demo = try await Demo.start(dpopRequired: true)
        let store = freshStore()
        let (key, nextRunKey) = (DPoPKey(), DPoPKey())
        let (reused, refreshed, newKey, outcomes) = try await withHTTP { http in
            _ = try await demo.client(
                "mcp-admin", "admin123", store: store, http: http, transcript: Transcript(), dpop: key
            ).run()
            let reused = Transcript()
            _ = try await demo.client("mcp-admin", "admin123", store: store, http: http, transcript: reused, dpop: key)
                .run()
            let stored = try #require(store.tokens(resource: demo.mcpURL, bound: true))
            try store.save(
                OAuthClientStore.Tokens(
                    resource: stored.resource, issuer: stored.issuer, accessToken: "expired.token.value",
                    refreshToken: stored.refreshToken,
                    expiresAt: Date().addingTimeInterval(-10), scope: stored.scope, tokenType: stored.tokenType,
                    boundKeyThumbprint: stored.boundKeyThumbprint))
            let refreshed = Transcript()
            _ = try await demo.client(
                "mcp-admin", "admin123", store: store, http: http, transcript: refreshed, dpop: key
            ).run()
            let newKey = Transcript()
            let outcomes = try await demo.client(
                "mcp-admin", "admin123", store: store, http: http, transcript: newKey, dpop: nextRunKey
            ).run()
            return (reused, refreshed, newKey, outcomes)
        }
        await demo.stop()
        #expect(reused.text.contains("with the DPoP token stored in"))
        #expect(reused.text.contains("← 200: the stored token is still good"))
        #expect(refreshed.text.contains("refreshing it (with a DPoP proof of the same key)"))
        #expect(refreshed.text.contains("token_type DPoP ✔, cnf.jkt \(key.thumbprint) = this client's key ✔"))
        #expect(!refreshed.text.contains("⑥"))
        #expect(
            newKey.text.contains(
                "the stored DPoP token is bound to key \(key.thumbprint), which this run does not hold: discarding it"))
        #expect(newKey.text.contains("① POST \(demo.mcpURL)  initialize without a token"))
        #expect(newKey.text.contains("⑤ reusing client"))
        #expect(newKey.text.contains("⑥ authorization request"))
        #expect(outcomes.allSatisfy { $0.succeeded })
        #expect(store.tokens(resource: demo.mcpURL, bound: true)?.boundKeyThumbprint == nextRunKey.thumbprint)
    }

    @Test("a client without a DPoP key stops at a resource whose metadata requires DPoP-bound tokens")
    func bearerClientAtDPoPResource() async throws {
        let demo = try await Demo.start(dpopRequired: true)
        await #expect(throws: OAuthFlowError.dpopRequired(demo.mcpURL)) {
            try await withHTTP {
                _ = try await demo.client(
                    "mcp-admin", "admin123", store: freshStore(), http: $0, transcript: Transcript()
                ).run()
            }
        }
        await demo.stop()
    }
}
