/// What a protected MCP endpoint protects, and with what: the resource, its token checks, its scope policy.
///
/// ``ProtectedMCPEndpoint`` (your handler behind it) and ``ProtectedSDKEndpoint`` (the SDK's `Server` behind it) are
/// each one of these and what answers an admitted message. ``addRoutes(to:answer:)`` serves the RFC 9728 metadata,
/// and `POST <resource path>` behind the token middleware (bearer, and key-bound tokens when `resource` takes them)
/// and ``MCPRequestGate``.
import Hummingbird

public struct MCPProtection: Sendable {
    public let resource: ProtectedResource
    public let verifier: TokenVerifier
    public let policy: ScopePolicy
    /// The scope each tool needs beyond `policy`'s for `tools/call`, by tool name.
    public let toolScopes: [String: String]
    public let bodyLimit: Int
    /// The proof checks for key-bound tokens, when `resource` takes them (one per server: it remembers proofs seen).
    public let proofs: DPoPProofVerifier

    public init(
        resource: ProtectedResource, verifier: TokenVerifier, policy: ScopePolicy, toolScopes: [String: String] = [:],
        bodyLimit: Int = 1 << 20, proofs: DPoPProofVerifier = DPoPProofVerifier()
    ) {
        self.resource = resource
        self.verifier = verifier
        self.policy = policy
        self.toolScopes = toolScopes
        self.bodyLimit = bodyLimit
        self.proofs = proofs
    }

    /// What answers a message the gate let through: the message, the request it came in, its context, the gate.
    typealias Answer =
        @Sendable (MCPRequestGate.Admitted, Request, MCPRequestContext, MCPRequestGate) async throws
        -> Response

    /// Serves the metadata, and `POST` at the resource path: the token middleware, the gate, then `answer`.
    func addRoutes(to router: Router<MCPRequestContext>, answer: @escaping Answer) {
        resource.addMetadataRoutes(to: router)
        let (middleware, challenge) = resource.authentication(
            verifier: verifier, proofs: proofs, context: MCPRequestContext.self)
        let gate = MCPRequestGate(challenge: challenge, policy: policy, toolScopes: toolScopes, bodyLimit: bodyLimit)
        router.group(RouterPath(resource.resourcePath)).add(middleware: middleware).post { request, context in
            switch try await gate.admit(request, context: context) {
            case .answered(let response): return response
            case .admitted(let admitted): return try await answer(admitted, request, context, gate)
            }
        }
    }
}
