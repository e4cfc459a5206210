/// Who is calling, for a handler of the SDK's `Server` behind a ``ProtectedSDKEndpoint``; and its scope checks.
///
/// The endpoint holds each admitted request's verified caller in ``CallerRegistry`` under a random handle, and puts
/// the handle in the HTTP request the SDK keeps for the handler (`Server.currentHandlerContext`). A scope refusal is
/// noted there too, so the endpoint answers it with 403 and the challenge instead of the SDK's 200.
///
/// ```swift
/// await server.withMethodHandler(CallTool.self) { params in
///     let caller = try ProtectedSDKEndpoint.caller()
///     try ProtectedSDKEndpoint.requireScope("files:write")
///     …
/// }
/// ```
import Foundation
public import MCP
import Synchronization

extension ProtectedSDKEndpoint {
    /// The verified caller of the request this SDK handler serves.
    ///
    /// - Throws: `MCPError.internalError` when the handler was not reached through a ``ProtectedSDKEndpoint``.
    public static func caller() throws(MCPError) -> AuthenticatedUser {
        guard let handle = currentHandle, let caller = CallerRegistry.shared.caller(handle) else {
            throw MCPError.internalError("No verified caller: this request did not come through ProtectedSDKEndpoint")
        }
        return caller
    }

    /// Continues only if the caller holds `scope` (or one of `bypassRoles`, none unless given).
    ///
    /// - Throws: `MCPError` -32001 "Forbidden"; the endpoint answers the request with 403, `insufficient_scope`
    ///   naming `scope` in the challenge, and the request's `id`.
    public static func requireScope(_ scope: String, bypassRoles: Set<String> = []) throws(MCPError) {
        let caller = try caller()
        do throws(AuthFailure) { try caller.requireScope(scope, bypassRoles: bypassRoles) } catch {
            if let handle = currentHandle { CallerRegistry.shared.refuse(handle, error) }
            throw MCPError.serverError(code: AuthRejection.forbiddenCode, message: "Forbidden: \(error.detail)")
        }
    }

    /// The handle the endpoint put in the request this handler serves.
    static var currentHandle: String? { Server.currentHandlerContext?.httpContext?.header(callerHeader) }
}

/// The callers of the requests in flight through every ``ProtectedSDKEndpoint``, by random handle, and the scope
/// refusals their handlers met. An entry lives while its request does.
final class CallerRegistry: Sendable {
    static let shared = CallerRegistry()

    private struct Entry {
        let caller: AuthenticatedUser
        var refusal: AuthFailure?
    }
    private let entries = Mutex<[String: Entry]>([:])

    /// Holds `caller`; its new handle (128 random bits).
    func enter(_ caller: AuthenticatedUser) -> String {
        let handle = "mcpauth-" + UUID().uuidString
        entries.withLock { $0[handle] = Entry(caller: caller) }
        return handle
    }

    func leave(_ handle: String) { _ = entries.withLock { $0.removeValue(forKey: handle) } }

    func caller(_ handle: String) -> AuthenticatedUser? { entries.withLock { $0[handle]?.caller } }

    func refuse(_ handle: String, _ failure: AuthFailure) { entries.withLock { $0[handle]?.refusal = failure } }

    func refusal(_ handle: String) -> AuthFailure? { entries.withLock { $0[handle]?.refusal } }
}

/// Puts another `id` in a JSON-RPC message, the rest kept: the client's request goes to the SDK under the endpoint's
/// `id`, the SDK's answer back under the client's.
enum SDKMessageID {
    static func replacing(in message: Data, with id: ID) -> Data? {
        guard case .object(var members)? = try? JSONDecoder().decode(Value.self, from: message) else { return nil }
        switch id {
        case .string(let string): members["id"] = .string(string)
        case .number(let number): members["id"] = .int(number)
        }
        return try? JSONEncoder.compact.encode(Value.object(members))
    }
}
