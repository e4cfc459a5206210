/// What the caller of a JSON-RPC request gets when its handler throws: the one mapping of every MCP endpoint here.
///
/// Introduced in step 2 (``JSONRPCError``) and step 8 (scope refusals); step 2's endpoint, ``ProtectedMCPEndpoint``
/// and ``ProtectedSDKEndpoint`` all answer through it, so a handler's error means the same behind each.
///
/// | the handler threw | answer | log (one line) |
/// |---|---|---|
/// | a ``JSONRPCError`` | its JSON-RPC error: HTTP 400 when it rejects the message itself, else 200 | notice |
/// | an ``AuthFailure`` (a scope it required) | the `challenge`'s rejection: 403 `insufficient_scope`, this request's `id` | notice: who, what, why |
/// | an ``AuthRejection`` | itself | notice: who, what, why |
/// | another `HTTPResponseError` | itself | none (it was logged where it was made) |
/// | anything else | JSON-RPC -32603, the error's words kept out of the answer | error |
///
/// ```swift
/// do { result = try await handler(request) } catch {
///     return try JSONRPCResponse.failure(error, answering: rpc, caller: caller, challenge: resource.challenge, logger: logger)
/// }
/// ```
public import Hummingbird
public import Logging

extension JSONRPCResponse {
    /// The answer to `rpc` when its handler threw `error`; throws the HTTP errors (401, 403, 503) it carries.
    ///
    /// - Parameter challenge: what a raw ``AuthFailure`` is answered with; without one it is a failure of the server.
    public static func failure(
        _ error: any Error, answering rpc: JSONRPCRequest, caller: AuthenticatedUser?,
        challenge: (any ResourceChallenge)? = nil, logger: Logger
    ) throws -> Response {
        switch error {
        case let error as JSONRPCError:
            logger.notice("\(rpc.method) id=\(rpc.id) failed: \(error.message): \(error.detail)")
            return try JSONRPCResponse.error(error, id: rpc.id).response(
                status: error.rejectsMessage ? .badRequest : .ok)
        case let failure as AuthFailure where challenge != nil:
            logRefusal(of: rpc, by: caller, failure, logger: logger)
            throw challenge!.rejection(failure, caller: caller, requestID: rpc.id)
        case let rejection as AuthRejection:
            logRefusal(of: rpc, by: caller, rejection.failure, logger: logger)
            throw rejection
        case let error as any HTTPResponseError:
            throw error
        default:
            logger.error("\(rpc.method) id=\(rpc.id) crashed: \(error)")
            return try JSONRPCResponse.error(.internalError("The server failed to answer \(rpc.method)"), id: rpc.id)
                .response()
        }
    }

    /// `METHOD id=ID user=NAME refused: why`, at notice: one line per refusal.
    public static func logRefusal(
        of rpc: JSONRPCRequest, by caller: AuthenticatedUser?, _ failure: AuthFailure, logger: Logger
    ) {
        logger.notice("\(rpc.logName(by: caller)) refused: \(failure.detail)")
    }
}

extension JSONRPCRequest {
    /// `METHOD id=ID user=NAME` (no user before step 6): how a log line names a request and who sent it.
    package func logName(by caller: AuthenticatedUser?) -> String {
        "\(method) id=\(id)\(caller.map { " user=\($0.username)" } ?? "")"
    }
}

extension ContinuousClock.Instant {
    /// The time since this instant, as a request's log line shows it: `0.42 ms`.
    package var millisecondsSince: String {
        let hundredths = Int((ContinuousClock.now - self) / .microseconds(10))
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) ms"
    }
}
