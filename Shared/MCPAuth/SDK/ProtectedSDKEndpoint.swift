/// MCPAuth in front of the official MCP Swift SDK's `Server`: the same protection as ``ProtectedMCPEndpoint``, with
/// the SDK's `StatelessHTTPServerTransport` behind it.
///
/// For engineers whose MCP logic is the SDK's `Server` (the steps keep their own dispatch: steps 2–4 are about it).
/// `addRoutes(to:)` serves the RFC 9728 metadata of `resource` and `POST <resource path>`:
///
/// 1. the token middleware answers 401 with the challenge before the SDK sees a byte;
/// 2. ``MCPRequestGate`` refuses a wrong `Content-Type` (415), a body over `bodyLimit` (413), anything but one
///    JSON-RPC message (400), and a method or tool the caller's scopes do not grant (403 `insufficient_scope`);
/// 3. the message goes to the transport as the SDK's `HTTPRequest`, and its answer comes back as a response;
/// 4. a tool handler asks who is calling with ``caller()``, and for more scope with ``requireScope(_:bypassRoles:)``:
///    a refusal there is answered 403 with the challenge and the request's `id`, as at step 2, so the client can
///    step up (the SDK alone would answer 200 with a JSON-RPC error).
///
/// Two things the SDK's stateless transport cannot do alone, done here:
///
/// - **The caller reaches the handler.** The SDK runs handlers in a task of its own, so a task-local set around
///   `handleRequest` would not reach them. What does reach them is the HTTP request the SDK keeps for each request,
///   in its own task-local (`Server.currentHandlerContext`). Each admitted request carries, in a header only this
///   endpoint sets (a client's copy is dropped), a random handle to its verified caller, held here while it runs.
/// - **Two clients may use the same `id`.** The transport matches answers to waiting requests by `id` alone, so two
///   callers' concurrent `"id": 1` could swap answers. Each request goes to the SDK under an `id` of its own, and
///   its answer comes back under the client's.
///
/// ```swift
/// let server = Server(name: "files", version: "1.0.0", capabilities: .init(tools: .init()))
/// await server.withMethodHandler(CallTool.self) { params in
///     try ProtectedSDKEndpoint.requireScope("files:write")              // 403 with the challenge, unless granted
///     return CallTool.Result(content: [.text(text: try ProtectedSDKEndpoint.caller().username, annotations: nil, _meta: nil)])
/// }
/// let transport = StatelessHTTPServerTransport()
/// try await server.start(transport: transport)
/// ProtectedSDKEndpoint(resource: resource, verifier: verifier, policy: policy, transport: transport).addRoutes(to: router)
/// ```
///
/// - SeeAlso: MCP 2025-11-25 Transports › Streamable HTTP, Authorization › Scope Challenge Handling; RFC 6750 §3.1
import Foundation
import HTTPTypes
public import Hummingbird
import Logging
public import MCP

public struct ProtectedSDKEndpoint: Sendable {
    /// The resource, its token checks, its scope policy (``MCPProtection``).
    public let protection: MCPProtection
    let transport: StatelessHTTPServerTransport

    public init(
        resource: ProtectedResource, verifier: TokenVerifier, policy: ScopePolicy, toolScopes: [String: String] = [:],
        bodyLimit: Int = 1 << 20, proofs: DPoPProofVerifier = DPoPProofVerifier(),
        transport: StatelessHTTPServerTransport
    ) {
        protection = MCPProtection(
            resource: resource, verifier: verifier, policy: policy, toolScopes: toolScopes, bodyLimit: bodyLimit,
            proofs: proofs)
        self.transport = transport
    }

    /// Serves the metadata, and `POST` at the resource path behind the token middleware and the gate.
    public func addRoutes(to router: Router<MCPRequestContext>) {
        protection.addRoutes(to: router) { admitted, request, context, gate in
            try await answer(admitted, request: request, context: context, gate: gate)
        }
    }

    func answer(
        _ admitted: MCPRequestGate.Admitted, request: Request, context: MCPRequestContext, gate: MCPRequestGate
    ) async throws -> Response {
        guard case .request(let rpc) = admitted.message else {
            return Self.response(await transport.handleRequest(sdkRequest(request, body: admitted.body, handle: nil)))
        }
        let handle = CallerRegistry.shared.enter(admitted.caller)
        defer { CallerRegistry.shared.leave(handle) }
        guard let body = SDKMessageID.replacing(in: admitted.body, with: .string(handle)) else {
            return try JSONRPCResponse.error(.internalError("The request could not be passed on"), id: rpc.id)
                .response()
        }
        let started = ContinuousClock.now
        let answer = await transport.handleRequest(sdkRequest(request, body: body, handle: handle))
        if let failure = CallerRegistry.shared.refusal(handle) {
            JSONRPCResponse.logRefusal(of: rpc, by: admitted.caller, failure, logger: context.logger)
            throw gate.challenge.rejection(failure, caller: admitted.caller, requestID: rpc.id)
        }
        context.logger.info(
            "\(rpc.logName(by: admitted.caller)) \(answer.statusCode) in \(started.millisecondsSince)"
        )
        guard case .data(let data, let headers) = answer else { return Self.response(answer) }
        return Self.response(.data(SDKMessageID.replacing(in: data, with: rpc.id) ?? data, headers: headers))
    }

    /// The SDK's request: the method, the headers (repeated ones joined), the body, the path; the caller's handle in
    /// ``callerHeader``, whatever the client put there dropped.
    func sdkRequest(_ request: Request, body: Data, handle: String?) -> MCP.HTTPRequest {
        var headers: [String: String] = [:]
        for field in request.headers where field.name.canonicalName != Self.callerHeader.lowercased() {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        if let handle { headers[Self.callerHeader] = handle }
        return MCP.HTTPRequest(method: "POST", headers: headers, body: body, path: request.uri.path)
    }

    /// The SDK's answer as a response: its status, headers and body.
    static func response(_ answer: MCP.HTTPResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in answer.headers { if let name = HTTPField.Name(name) { fields[name] = value } }
        let body = answer.bodyData.map { ResponseBody(byteBuffer: ByteBuffer(data: $0)) } ?? ResponseBody()
        return Response(status: .init(code: answer.statusCode), headers: fields, body: body)
    }

    /// The header carrying the handle of the caller to the SDK's handler.
    static let callerHeader = "MCPAuth-Caller"
}
