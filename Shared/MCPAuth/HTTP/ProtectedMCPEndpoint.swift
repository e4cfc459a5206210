/// One call protects an MCP endpoint: metadata, tokens, scopes by method and by tool, and each JSON-RPC request
/// handed to a handler with its caller.
///
/// For engineers who bring their own MCP logic (the steps build the same from their parts: step 8's main shows them).
/// `addRoutes(to:)` serves the RFC 9728 metadata of `resource` and `POST <resource path>`, where, in order:
///
/// | request | answer |
/// |---|---|
/// | no token, a bad one, one for another audience | 401 and the `WWW-Authenticate` challenge (``BearerTokenMiddleware``) |
/// | `Content-Type` not `application/json` | 415 |
/// | a body over `bodyLimit` (1 MiB) | 413 |
/// | not one JSON-RPC message (``JSONRPCMessage/parse(_:)``) | 400 and the JSON-RPC error, `id` null |
/// | a notification, or a response | 202 |
/// | a method the caller's scopes do not grant (`policy`), or a `tools/call` of a tool in `toolScopes` without its scope | 403, `insufficient_scope` naming the scope, and a JSON-RPC -32001 body with the request's `id` |
/// | anything else | the handler's result; a ``JSONRPCError`` it throws as a JSON-RPC error, a scope it requires (``ProtectedMCPRequest/requireScope(_:bypassRoles:)``) as the 403 above |
///
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
import Foundation
public import Hummingbird
import Logging
import NIOCore

public struct ProtectedMCPEndpoint: Sendable {
    public typealias Handler = @Sendable (ProtectedMCPRequest) async throws -> any Encodable & Sendable

    public let resource: ProtectedResource
    public let verifier: TokenVerifier
    public let policy: ScopePolicy
    /// The scope each tool needs beyond `policy`'s for `tools/call`, by tool name.
    public let toolScopes: [String: String]
    public let bodyLimit: Int
    let handler: Handler

    public init(
        resource: ProtectedResource, verifier: TokenVerifier, policy: ScopePolicy, toolScopes: [String: String] = [:],
        bodyLimit: Int = 1 << 20, handler: @escaping Handler
    ) {
        self.resource = resource
        self.verifier = verifier
        self.policy = policy
        self.toolScopes = toolScopes
        self.bodyLimit = bodyLimit
        self.handler = handler
    }

    /// Serves the metadata, and `POST` at the resource path behind the bearer middleware.
    public func addRoutes(to router: Router<MCPRequestContext>) {
        resource.addMetadataRoutes(to: router)
        router.group(RouterPath(resource.resourcePath))
            .add(middleware: BearerTokenMiddleware(verifier: verifier, challenge: resource.challenge))
            .post { request, context in try await self.answer(request, context: context) }
    }

    func answer(_ request: Request, context: MCPRequestContext) async throws -> Response {
        guard let caller = context.caller else { throw AuthRejection(.missingToken, challenge: resource.challenge) }
        guard let type = request.headers[.contentType], MediaType.hasEssence(type, "application/json") else {
            return try .json(["detail": "Content-Type must be application/json"], status: .unsupportedMediaType)
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: bodyLimit) } catch is NIOTooManyBytesError {
            return try .json(["detail": "The body is over \(bodyLimit) bytes"], status: .contentTooLarge)
        }
        let rpc: JSONRPCRequest
        do throws(JSONRPCError) {
            guard case .request(let request) = try JSONRPCMessage.parse(Data(buffer: body)) else {
                return Response(status: .accepted)
            }
            rpc = request
        } catch {
            context.logger.notice("refused message from \(caller.username): \(error.detail)")
            return try JSONRPCResponse.error(error, id: nil).response(status: .badRequest)
        }
        let request = ProtectedMCPRequest(rpc: rpc, caller: caller, challenge: resource.challenge)
        do {
            try policy.check(rpc.method, for: caller)
            if rpc.method == "tools/call", let tool = try? rpc.name(), let scope = toolScopes[tool] {
                try caller.requireScope(scope, bypassRoles: policy.bypassRoles)
            }
            return try JSONRPCResponse.result(try await handler(request), id: rpc.id).response()
        } catch let failure as AuthFailure {
            context.logger.notice("refused \(rpc.method) id=\(rpc.id) for \(caller.username): \(failure.detail)")
            throw AuthRejection(failure, challenge: resource.challenge, requestID: rpc.id)
        } catch let rejection as AuthRejection {
            context.logger.notice(
                "refused \(rpc.method) id=\(rpc.id) for \(caller.username): \(rejection.failure.detail)")
            throw rejection
        } catch let error as JSONRPCError {
            return try JSONRPCResponse.error(error, id: rpc.id).response(
                status: error.rejectsMessage ? .badRequest : .ok)
        } catch {
            context.logger.error("\(rpc.method) id=\(rpc.id) failed: \(error)")
            return try JSONRPCResponse.error(.internalError("The server failed to answer \(rpc.method)"), id: rpc.id)
                .response()
        }
    }
}

/// One JSON-RPC request to a ``ProtectedMCPEndpoint``, its token checked and its method allowed.
public struct ProtectedMCPRequest: Sendable {
    public let rpc: JSONRPCRequest
    /// Who sent it: always there, the token having checked out.
    public let caller: AuthenticatedUser
    let challenge: BearerChallenge

    public var method: String { rpc.method }
    public var id: ID { rpc.id }

    /// Continues only if the caller holds `scope` (or one of `bypassRoles`, none unless given).
    ///
    /// - Throws: an ``AuthRejection``: 403 with `insufficient_scope` naming `scope`, and this request's `id`.
    public func requireScope(_ scope: String, bypassRoles: Set<String> = []) throws(AuthRejection) {
        do throws(AuthFailure) { try caller.requireScope(scope, bypassRoles: bypassRoles) } catch {
            throw AuthRejection(error, challenge: challenge, requestID: rpc.id)
        }
    }
}
