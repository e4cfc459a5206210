/// What one authenticated MCP request costs, piece by piece, beside the floor: one raw signature check.
///
/// - the floor: one RS256 and one ES256 signature check with swift-crypto, on bytes split beforehand;
/// - ``TokenVerifier`` end to end (split, header, key choice, signature, claims): with no cache (every
///   token checked in full, as a token never seen before is), with a cache and tokens that never repeat
///   (what remembering costs), and with a cache and a repeated token (what it buys);
/// - the scope policy of step 8 for `tools/call`;
/// - a `tools/call` message parsed, dispatched to the echo tool and encoded;
/// - one whole authenticated `tools/call` through step 8's `/mcp` chain, in-process: Host, Origin and
///   CORS middleware, the bearer middleware, the scope check, the dispatch, the response body.
///
/// Run from `Benchmarks/`: `swift package benchmark` (add `--filter RS256` for some of them).
import Benchmark
import Crypto
import CryptoExtras
import Foundation
import Hummingbird
import Logging
import NIOEmbedded
import Shared
import Synchronization

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(2))
    let fixtures = Fixtures.shared

    // MARK: The floor

    Benchmark("RS256 signature check (swift-crypto)") { benchmark in
        let token = fixtures.rs256.repeated
        for _ in benchmark.scaledIterations {
            blackHole(
                try fixtures.rs256.rawKey.isValidSignature(
                    token.signature, for: token.signingInput, padding: .insecurePKCS1v1_5))
        }
    }
    Benchmark("ES256 signature check (swift-crypto)") { benchmark in
        let token = fixtures.es256.repeated
        for _ in benchmark.scaledIterations {
            blackHole(fixtures.es256.rawKey.isValidSignature(token.signature, for: token.signingInput))
        }
    }

    // MARK: Token verification

    for keys in [fixtures.rs256, fixtures.es256] {
        let uncached = fixtures.verifier(keys, cache: nil)
        Benchmark("\(keys.algorithm) TokenVerifier, every token checked in full (no cache)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try await uncached.verify(keys.repeated.token)) }
        }
        let neverRepeating = fixtures.verifier(keys, cache: VerifiedTokenCache())
        let next = Counter()
        Benchmark(
            "\(keys.algorithm) TokenVerifier, cache on, tokens that never repeat",
            configuration: .init(maxIterations: keys.distinct.count - 1)
        ) {
            benchmark in
            for _ in benchmark.scaledIterations {
                let token = keys.distinct[next.next() % keys.distinct.count]
                blackHole(try await neverRepeating.verify(token))
            }
        }
        let repeating = fixtures.verifier(keys, cache: VerifiedTokenCache())
        Benchmark("\(keys.algorithm) TokenVerifier, cache on, the same token again") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try await repeating.verify(keys.repeated.token)) }
        }
    }

    // MARK: The rest of the request

    let alice = AuthenticatedUser(
        username: "alice", subject: "alice", scopes: ["mcp:read", "mcp:tools"], issuer: Fixtures.issuer,
        expiresAt: .distantFuture)
    Benchmark("ScopePolicy.step8 check of tools/call") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try ScopePolicy.step8.check("tools/call", for: alice)) }
    }
    let dispatcher = MCPDispatcher(methods: .all, tools: [EchoTool()], prompts: [EchoPrompt()])
    let body = Data(Fixtures.toolsCall.utf8)
    Benchmark("JSON-RPC tools/call: parse, dispatch to echo, encode") { benchmark in
        for _ in benchmark.scaledIterations {
            guard case .request(let request) = try JSONRPCMessage.parse(body) else {
                fatalError("tools/call is a request")
            }
            blackHole(
                try JSONRPCResponse.result(try await dispatcher.handle(request, caller: nil), id: request.id).encoded())
        }
    }
    let responder = fixtures.step8Chain().buildResponder()
    let channel = NIOAsyncTestingChannel()
    Benchmark("step 8 /mcp chain: one authenticated tools/call, in-process") { benchmark in
        for _ in benchmark.scaledIterations {
            let request = Request(
                head: .init(
                    method: .post, scheme: "http", authority: "localhost:9000", path: "/mcp",
                    headerFields: fixtures.callHeaders),
                body: RequestBody(buffer: ByteBuffer(string: Fixtures.toolsCall)))
            let context = MCPRequestContext(source: .init(channel: channel, logger: fixtures.logger))
            let response = try await responder.respond(to: request, context: context)
            let body = CollectedBody()
            try await response.body.write(body)
            guard response.status == .ok, body.bytes.count > 0 else {
                fatalError("tools/call answered \(response.status)")
            }
            blackHole(body)
        }
    }
}

// MARK: Fixtures

/// Keys, tokens and the step-8 chain, made once, before anything is measured.
final class Fixtures: Sendable {
    static let shared = Fixtures()
    static let toolsCall =
        #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"bench"}}}"#
    static let issuer = TokenIssuer.demoIssuer
    static let audience = TokenIssuer.demoAudience

    /// One algorithm's key pair and tokens signed with it.
    struct SignedTokens: Sendable {
        let algorithm: String
        let key: VerificationKey
        let rawKey: RawKey
        /// The token the "repeated" benchmarks send, split for the floor.
        let repeated: Split
        /// Tokens that differ from each other (each its own `jti`), for a cache that never hits.
        let distinct: [String]
    }

    struct Split: Sendable {
        let token: String
        let signingInput: Data
        let signature: Data
    }

    let rs256: SignedTokens
    let es256: SignedTokens
    let logger: Logger
    let callHeaders: HTTPFields

    init() {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let keys = KeyDirectory(path: repository.appendingPathComponent("keys").path)
        guard let pem = keys.privateKeyPEM(), let rsa = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) else {
            fatalError("no demo private key at \(keys.privateKeyPath)")
        }
        rs256 = Self.tokens(
            algorithm: "RS256", key: .rs256(rsa.publicKey, id: KeyDirectory.demoKeyID), raw: .rsa(rsa.publicKey),
            count: 2_000
        ) { try rsa.signature(for: $0, padding: .insecurePKCS1v1_5).rawRepresentation }
        let p256 = P256.Signing.PrivateKey()
        es256 = Self.tokens(
            algorithm: "ES256", key: .es256(p256.publicKey, id: "bench-es256"), raw: .p256(p256.publicKey),
            count: 20_000
        ) {
            try p256.signature(for: $0).rawRepresentation
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        self.logger = logger
        callHeaders = [
            .contentType: "application/json", .accept: "application/json, text/event-stream",
            .authorization: "Bearer \(rs256.repeated.token)",
        ]
    }

    func verifier(_ tokens: SignedTokens, cache: VerifiedTokenCache?) -> TokenVerifier {
        TokenVerifier(keys: LocalKeySet([tokens.key]), issuers: [Self.issuer], audiences: [Self.audience], cache: cache)
    }

    /// Step 8's `/mcp` route and the middleware in front of it, as `Steps/Step8/main.swift` puts them together.
    func step8Chain() -> Router<MCPRequestContext> {
        let resource = ProtectedResource(
            serverURL: "http://localhost:9000", authorizationServers: ["http://localhost:9000"], scopes: [])
        let router = Router(context: MCPRequestContext.self)
        router.add(middleware: HostValidationMiddleware(bindAddress: "127.0.0.1", allowedHosts: []))
        router.add(middleware: OriginValidationMiddleware(policy: OriginPolicy.allowMissingOrigin))
        router.add(middleware: MCPCORSMiddleware())
        let bearer = BearerTokenMiddleware<MCPRequestContext>(
            verifier: verifier(rs256, cache: VerifiedTokenCache()), challenge: resource.challenge)
        let dispatcher = MCPDispatcher(methods: .all, tools: [EchoTool(), ServerStatsTool()], prompts: [EchoPrompt()])
        let mcp = ScopeEnforcingHandler(dispatcher, policy: .step8, challenge: resource.challenge)
        MCPEndpoint(handler: mcp).addRoutes(to: router.group("/mcp").add(middleware: bearer))
        return router
    }

    /// `count + 1` tokens for alice (`mcp:tools`), valid for an hour, signed by `sign`.
    static func tokens(
        algorithm: String, key: VerificationKey, raw: RawKey, count: Int, sign: (Data) throws -> Data
    ) -> SignedTokens {
        let header = Data(#"{"alg":"\#(algorithm)","kid":"\#(key.id ?? "")","typ":"JWT"}"#.utf8)
            .base64URLEncodedString()
        let expiry = Int(Date().timeIntervalSince1970) + 3600
        let split = (0...count).map { index in
            let claims =
                #"{"aud":["\#(audience)"],"exp":\#(expiry),"iat":\#(expiry - 3600),"iss":"\#(issuer)","jti":"bench-\#(index)","#
                + #""preferred_username":"alice","scope":"mcp:read mcp:tools","sub":"alice"}"#
            let input = header + "." + Data(claims.utf8).base64URLEncodedString()
            guard let signature = try? sign(Data(input.utf8)) else { fatalError("\(algorithm) signing failed") }
            return Split(
                token: input + "." + signature.base64URLEncodedString(), signingInput: Data(input.utf8),
                signature: signature)
        }
        return SignedTokens(
            algorithm: algorithm, key: key, rawKey: raw, repeated: split[0], distinct: split.dropFirst().map(\.token))
    }
}

/// The public key as swift-crypto has it, for the floor.
enum RawKey: Sendable {
    case rsa(_RSA.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)

    func isValidSignature(_ signature: Data, for input: Data, padding: _RSA.Signing.Padding) throws -> Bool {
        guard case .rsa(let key) = self else { return false }
        return key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: input, padding: padding)
    }

    func isValidSignature(_ signature: Data, for input: Data) -> Bool {
        guard case .p256(let key) = self, let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
        else { return false }
        return key.isValidSignature(signature, for: input)
    }
}

/// A response body, written to memory.
struct CollectedBody: ResponseBodyWriter {
    final class Bytes { var count = 0 }
    let bytes = Bytes()
    func write(_ buffer: ByteBuffer) async throws { bytes.count += buffer.readableBytes }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// Hands out 0, 1, 2, … to the iterations of a benchmark.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
