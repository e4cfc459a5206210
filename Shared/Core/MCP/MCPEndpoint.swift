/// `/mcp` over Streamable HTTP: the HTTP rules around a ``JSONRPCHandler``.
///
/// Introduced in step 2. Stateless, one JSON-RPC message per POST, JSON
/// responses (step 10 can answer with an event stream instead: ``eventStream``).
/// In order, a POST is refused when:
///
/// | check | answer |
/// |---|---|
/// | `Content-Type` is not `application/json` | 415 |
/// | `Accept` excludes JSON (missing or `*/*` is fine, so plain curl works) | 406 |
/// | `MCP-Protocol-Version` names a version we do not speak | 400 |
/// | the body is over ``bodyLimit`` (1 MiB); nothing past it is read | 413 |
/// | the body is not one JSON-RPC message | 400 + JSON-RPC error |
///
/// Then a request gets 200 and its response; a notification or a response gets
/// 202 with an empty body. `GET` and `DELETE` get 405 with `Allow: POST`: this
/// server opens no SSE stream and keeps no session.
///
/// Each request is one log line: at info when answered (`tools/call id=3
/// user=alice ok in 0.21 ms`), at notice when refused or failed, with why.
///
/// ```swift
/// MCPEndpoint(handler: MCPDispatcher(methods: .pingOnly)).addRoutes(to: router.group("/mcp"))
/// ```
///
/// - SeeAlso: MCP 2025-06-18, Transports › Streamable HTTP
import Foundation
public import HTTPTypes
public import Hummingbird
import Logging
import MCP
import NIOCore

public struct MCPEndpoint<Handler: JSONRPCHandler>: Sendable {
    public let handler: Handler
    /// The largest body read, in bytes.
    public let bodyLimit: Int
    /// Whether a request's response goes as an event stream to a client that accepts one
    /// (`MCPEndpoint+EventStream.swift`); errors stay JSON.
    public let eventStream: Bool

    public init(handler: Handler, bodyLimit: Int = 1 << 20, eventStream: Bool = false) {
        self.handler = handler
        self.bodyLimit = bodyLimit
        self.eventStream = eventStream
    }

    /// Adds `POST`, `GET` and `DELETE` to `group` (the group's path is the endpoint, e.g. `/mcp`).
    public func addRoutes<Context: Hummingbird.RequestContext>(to group: RouterGroup<Context>) {
        group.post { request, context in try await self.post(request, context: context, caller: nil) }
        addRefusals(to: group)
    }

    /// Adds the routes of an authenticating step: the dispatch gets the verified caller from the context.
    public func addRoutes<Context: AuthenticatedRequestContext>(to group: RouterGroup<Context>) {
        group.post { request, context in try await self.post(request, context: context, caller: context.caller) }
        addRefusals(to: group)
    }

    func addRefusals<Context: Hummingbird.RequestContext>(to group: RouterGroup<Context>) {
        group.get { _, _ -> Response in throw HTTPRequestError.methodNotAllowed(allow: "POST") }
        group.delete { _, _ -> Response in throw HTTPRequestError.methodNotAllowed(allow: "POST") }
    }

    /// Answers one POSTed message from `caller` (nil before step 6).
    public func post(
        _ request: Request, context: some Hummingbird.RequestContext, caller: AuthenticatedUser?
    ) async throws -> Response {
        try checkHeaders(request.headers)
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.parse(try await readBody(request))
        } catch let error as JSONRPCError {
            context.logger.notice("refused message: \(error.detail)")
            return try JSONRPCResponse.error(error, id: nil).response(status: .badRequest)
        }
        guard case .request(let rpc) = message else {
            if case .notification(let method) = message { context.logger.debug("notification \(method)") }
            return Response(status: .accepted)
        }
        let streams = eventStream && Self.acceptsEventStream(request.headers.value(.accept))
        return try await answer(rpc, caller: caller, logger: context.logger, streams: streams)
    }

    /// The handler's answer to `rpc`, as a response.
    ///
    /// Kept apart from ``post(_:context:caller:)``, with little more than the handler's result across its `await`:
    /// this frame stays allocated while the handler runs, for every request in flight.
    func answer(
        _ rpc: JSONRPCRequest, caller: AuthenticatedUser?, logger: Logger, streams: Bool = false
    ) async throws -> Response {
        let started = ContinuousClock.now
        let result: any Encodable & Sendable
        do {
            result = try await handler.handle(rpc, caller: caller)
        } catch {
            return try JSONRPCResponse.failure(error, answering: rpc, caller: caller, logger: logger)
        }
        logger.info("\(rpc.logName(by: caller)) ok in \(started.millisecondsSince)")
        let response = JSONRPCResponse.result(result, id: rpc.id)
        return try streams ? response.eventStreamResponse() : response.response()
    }

    /// The header rules of the table above, before any body is read.
    func checkHeaders(_ headers: HTTPFields) throws(HTTPRequestError) {
        let contentType = headers.value(.contentType)
        guard let contentType, MediaType.hasEssence(contentType, "application/json") else {
            throw .unsupportedMediaType(contentType)
        }
        if let accept = headers.value(.accept)?.nilIfEmpty, !MediaType.accepts(accept, "application/json") {
            throw .notAcceptable(accept)
        }
        if let version = headers.value(.mcpProtocolVersion), !ProtocolVersion.supported.contains(version) {
            throw .unsupportedProtocolVersion(version)
        }
    }

    /// The body, up to ``bodyLimit``; refuses early when `Content-Length` already says too much.
    func readBody(_ request: Request) async throws -> Data {
        if let length = request.headers.value(.contentLength).flatMap(Int.init), length > bodyLimit {
            throw HTTPRequestError.bodyTooLarge(limit: bodyLimit)
        }
        do {
            return Data(buffer: try await request.body.collect(upTo: bodyLimit))
        } catch is NIOTooManyBytesError {
            throw HTTPRequestError.bodyTooLarge(limit: bodyLimit)
        }
    }
}

extension HTTPField.Name {
    /// `MCP-Protocol-Version`, sent by clients after initialization.
    public static let mcpProtocolVersion = HTTPField.Name("MCP-Protocol-Version")!
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
