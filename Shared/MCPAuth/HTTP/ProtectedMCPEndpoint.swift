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

    /// The resource, its token checks, its scope policy (``MCPProtection``).
    public let protection: MCPProtection
    let handler: Handler

    public init(
        resource: ProtectedResource, verifier: TokenVerifier, policy: ScopePolicy, toolScopes: [String: String] = [:],
        bodyLimit: Int = 1 << 20, proofs: DPoPProofVerifier = DPoPProofVerifier(), handler: @escaping Handler
    ) {
        protection = MCPProtection(
            resource: resource, verifier: verifier, policy: policy, toolScopes: toolScopes, bodyLimit: bodyLimit,
            proofs: proofs)
        self.handler = handler
    }

    /// Serves the metadata, and `POST` at the resource path behind the token middleware and the gate.
    public func addRoutes(to router: Router<MCPRequestContext>) {
        protection.addRoutes(to: router) { admitted, _, context, gate in
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
