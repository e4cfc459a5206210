/// One call protects an MCP endpoint: metadata, tokens, scopes by method and by tool, and each JSON-RPC request
/// handed to a handler with its caller.
///
/// For engineers who bring their own MCP logic (the steps build the same from their parts: step 8's main shows them).
/// `addRoutes(to:)` serves the RFC 9728 metadata of `resource` and `POST <resource path>`, where, in order:
///
/// | request | answer |
/// |---|---|
/// | no token, a bad one, one for another audience | 401 and the `WWW-Authenticate` challenge (``BearerTokenMiddleware``) |
/// | what ``MCPRequestGate`` refuses: a wrong `Content-Type`, a body over `bodyLimit` (1 MiB), not one JSON-RPC message, a method or tool the caller's scopes do not grant | 415, 413, 400, 403 `insufficient_scope` with the request's `id` |
/// | a notification, or a response | 202 |
/// | anything else | the handler's result; what it throws as ``JSONRPCResponse/failure(_:answering:caller:challenge:logger:)`` says: a scope it requires (``ProtectedMCPRequest/requireScope(_:bypassRoles:)``) as the 403 above |
///
/// A resource made with a proof-of-possession policy takes key-bound tokens too (`ProtectedResource+DPoP.swift`).
/// Every refusal is logged in one line: who, what, why.
///
/// ```swift
/// let endpoint = ProtectedMCPEndpoint(resource: resource, verifier: verifier, policy: policy) { request in
///     try request.requireScope("files:write")                       // 403 with the challenge, unless granted
///     return ["user": request.caller.username]
/// }
/// endpoint.addRoutes(to: router)                                       // router: Router<MCPRequestContext>
/// ```
///
/// - SeeAlso: RFC 6750 §3.1, RFC 9728 §3, MCP 2025-11-25 Authorization › Scope Challenge Handling
public import Hummingbird

public struct ProtectedMCPEndpoint: Sendable {
    public typealias Handler = @Sendable (ProtectedMCPRequest) async throws -> any Encodable & Sendable

    public let resource: ProtectedResource
    public let verifier: TokenVerifier
    public let policy: ScopePolicy
    /// The scope each tool needs beyond `policy`'s for `tools/call`, by tool name.
    public let toolScopes: [String: String]
    public let bodyLimit: Int
    /// The proof checks for key-bound tokens, when `resource` takes them (one per server: it remembers proofs seen).
    public let proofs: DPoPProofVerifier
    let handler: Handler

    public init(
        resource: ProtectedResource, verifier: TokenVerifier, policy: ScopePolicy, toolScopes: [String: String] = [:],
        bodyLimit: Int = 1 << 20, proofs: DPoPProofVerifier = DPoPProofVerifier(), handler: @escaping Handler
    ) {
        self.resource = resource
        self.verifier = verifier
        self.policy = policy
        self.toolScopes = toolScopes
        self.bodyLimit = bodyLimit
        self.proofs = proofs
        self.handler = handler
    }

    /// Serves the metadata, and `POST` at the resource path behind the token middleware.
    public func addRoutes(to router: Router<MCPRequestContext>) {
        resource.addMetadataRoutes(to: router)
        let (middleware, challenge) = resource.authentication(
            verifier: verifier, proofs: proofs, context: MCPRequestContext.self)
        let gate = MCPRequestGate(challenge: challenge, policy: policy, toolScopes: toolScopes, bodyLimit: bodyLimit)
        router.group(RouterPath(resource.resourcePath)).add(middleware: middleware)
            .post { request, context in try await self.answer(request, context: context, gate: gate) }
    }

    func answer(_ request: Request, context: MCPRequestContext, gate: MCPRequestGate) async throws -> Response {
        let admitted: MCPRequestGate.Admitted
        switch try await gate.admit(request, context: context) {
        case .answered(let response): return response
        case .admitted(let passed): admitted = passed
        }
        guard case .request(let rpc) = admitted.message else { return Response(status: .accepted) }
        do {
            let result = try await handler(ProtectedMCPRequest(rpc: rpc, caller: admitted.caller))
            return try JSONRPCResponse.result(result, id: rpc.id).response()
        } catch {
            return try JSONRPCResponse.failure(
                error, answering: rpc, caller: admitted.caller, challenge: gate.challenge, logger: context.logger)
        }
    }
}

/// One JSON-RPC request to a ``ProtectedMCPEndpoint``, its token checked and its method allowed.
public struct ProtectedMCPRequest: Sendable {
    public let rpc: JSONRPCRequest
    /// Who sent it: always there, the token having checked out.
    public let caller: AuthenticatedUser

    public var method: String { rpc.method }
    public var id: ID { rpc.id }

    /// Continues only if the caller holds `scope` (or one of `bypassRoles`, none unless given).
    ///
    /// - Throws: ``AuthFailure/insufficientScope(_:)``, which the endpoint answers with 403, `insufficient_scope`
    ///   naming `scope` in the challenge, and this request's `id`.
    public func requireScope(_ scope: String, bypassRoles: Set<String> = []) throws(AuthFailure) {
        try caller.requireScope(scope, bypassRoles: bypassRoles)
    }
}
