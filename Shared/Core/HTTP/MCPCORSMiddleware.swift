/// CORS for browser-based MCP clients such as MCP Inspector.
///
/// Introduced in step 4. Runs after ``OriginValidationMiddleware``, so only
/// allowed origins get here. A preflight (`OPTIONS` with an `Origin`) is answered
/// at once with 204; every other response to a cross-origin request, errors
/// included, names the origin and exposes the headers an MCP client must read:
/// `WWW-Authenticate` (the 401 challenge), `Mcp-Session-Id` and
/// `MCP-Protocol-Version` (and the headers of ``MCPCORSMiddleware+DPoP``).
///
/// Hummingbird's own `CORSMiddleware` sends `Access-Control-Expose-Headers` on
/// preflight responses only, where browsers ignore it; without it on the actual
/// 401, a browser client cannot read the challenge that starts OAuth discovery.
///
/// ```swift
/// router.add(middleware: MCPCORSMiddleware())
/// ```
public import Hummingbird

public struct MCPCORSMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    static var allowMethods: String { "GET, POST, DELETE, OPTIONS" }
    static var allowHeaders: String {
        "Accept, Authorization, Content-Type, Last-Event-ID, MCP-Protocol-Version, Mcp-Session-Id, " + proofHeaders
    }
    static var exposeHeaders: String { "WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version, " + proofNonceHeaders }

    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers.value(.origin) else { return try await next(request, context) }
        return try await Self.answer(
            request, context: context, origin: origin,
            lists: (methods: Self.allowMethods, headers: Self.allowHeaders, exposed: Self.exposeHeaders), next: next)
    }

    /// The answer to a request from `origin`, once it is let in: a preflight at once (204, with `lists`' methods and
    /// headers), anything else, errors too, naming the origin and exposing `lists.exposed`. The realm server's CORS
    /// (step 9) answers the same way with lists of its own.
    static func answer(
        _ request: Request, context: Context, origin: String,
        lists: (methods: String, headers: String, exposed: String),
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        func named(_ response: Response) -> Response {
            var response = response
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = lists.exposed
            response.headers[values: .vary].append("Origin")
            return response
        }
        if request.method == .options {
            var response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = lists.methods
            response.headers[.accessControlAllowHeaders] = lists.headers
            response.headers[.accessControlMaxAge] = "600"
            return named(response)
        }
        do {
            return named(try await next(request, context))
        } catch let error as any HTTPResponseError {
            return named(try error.response(from: request, context: context))
        }
    }
}
