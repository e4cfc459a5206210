/// What a protected MCP endpoint does with a POST before its MCP logic sees it: read, classify, apply the scope policy.
///
/// Shared by ``ProtectedMCPEndpoint`` and ``ProtectedSDKEndpoint``, behind their token middleware. In order:
///
/// | the POST | verdict |
/// |---|---|
/// | no caller in the context (no token middleware in front) | 401 and the challenge |
/// | `Content-Type` not `application/json` | 415 |
/// | a body over `bodyLimit`; nothing past it is read | 413 |
/// | not one JSON-RPC message (``JSONRPCMessage/parse(_:)``) | 400 and the JSON-RPC error, `id` null |
/// | a request whose method `policy` does not grant the caller, or a `tools/call` of a tool in `toolScopes` without its scope | 403 `insufficient_scope` naming the scope, the request's `id`; one log line |
/// | anything else | admitted: the body, what it is, who sent it |
import Foundation
import Hummingbird
import Logging
import NIOCore

struct MCPRequestGate: Sendable {
    let challenge: any ResourceChallenge
    let policy: ScopePolicy
    let toolScopes: [String: String]
    let bodyLimit: Int

    /// A POST let through: the body as sent, the message it holds, and the caller its token vouched for.
    struct Admitted {
        let body: Data
        let message: JSONRPCMessage
        let caller: AuthenticatedUser
    }

    enum Verdict {
        /// Answered at the gate (415, 413, 400).
        case answered(Response)
        case admitted(Admitted)
    }

    /// The verdict on `request`; throws the challenge's rejection (401, 403).
    func admit(_ request: Request, context: MCPRequestContext) async throws -> Verdict {
        guard let caller = context.caller else { throw challenge.rejection(.missingToken, caller: nil, requestID: nil) }
        guard let type = request.headers.value(.contentType), MediaType.hasEssence(type, "application/json") else {
            return .answered(
                try .json(["detail": "Content-Type must be application/json"], status: .unsupportedMediaType))
        }
        func tooLarge() throws -> Response {
            try .json(["detail": "The body is over \(bodyLimit) bytes"], status: .contentTooLarge)
        }
        if let length = request.headers.value(.contentLength).flatMap(Int.init), length > bodyLimit {
            return .answered(try tooLarge())
        }
        let body: Data
        do { body = Data(buffer: try await request.body.collect(upTo: bodyLimit)) } catch is NIOTooManyBytesError {
            return .answered(try tooLarge())
        }
        let message: JSONRPCMessage
        do throws(JSONRPCError) { message = try JSONRPCMessage.parse(body) } catch {
            context.logger.notice("refused message from \(caller.username): \(error.detail)")
            return .answered(try JSONRPCResponse.error(error, id: nil).response(status: .badRequest))
        }
        if case .request(let rpc) = message {
            do throws(AuthFailure) {
                try policy.check(rpc.method, for: caller)
                if rpc.method == CallTool.name, let tool = try? rpc.name(), let scope = toolScopes[tool] {
                    try caller.requireScope(scope, bypassRoles: policy.bypassRoles)
                }
            } catch {
                JSONRPCResponse.logRefusal(of: rpc, by: caller, error, logger: context.logger)
                throw challenge.rejection(error, caller: caller, requestID: rpc.id)
            }
        }
        return .admitted(Admitted(body: body, message: message, caller: caller))
    }
}
