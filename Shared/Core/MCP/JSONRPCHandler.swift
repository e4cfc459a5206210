/// Something that answers JSON-RPC requests: the seam between HTTP and MCP.
///
/// Introduced in step 2. ``MCPEndpoint`` does the HTTP side (headers, body limit,
/// parsing) and hands each request to a handler. ``MCPDispatcher`` is the handler
/// that runs MCP methods; later steps wrap it (authentication, scope checks)
/// without copying it.
///
/// The returned value is the response's `result`. Throw ``JSONRPCError`` for a
/// JSON-RPC error response, or an `HTTPResponseError` to answer with an HTTP error
/// instead (e.g. 403 with a `WWW-Authenticate` challenge). `caller` is the
/// verified user from step 6 on, nil before.
public protocol JSONRPCHandler: Sendable {
    func handle(_ request: JSONRPCRequest, caller: AuthenticatedUser?) async throws -> any Encodable & Sendable
}
