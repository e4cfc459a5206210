/// Which browser origins may call the realm server, and the CORS headers they get: as Keycloak answers.
///
/// Introduced in step 9, for browser clients such as MCP Inspector and web apps.
///
/// | endpoints | a request with an `Origin` is answered with CORS headers when |
/// |---|---|
/// | realm info, discovery, JWKS, `/health` | always: they are public |
/// | token, userinfo, registration, login form | the origin is allowed: `http` loopback on any port, `--allowed-origin` / `ALLOWED_ORIGINS`, this server's own origin, or a web origin of one of the realm's clients (`webOrigins`, where `+` means the origins of its redirect URIs; a registered client's are its redirect URIs' origins) |
///
/// Any other origin gets 403 at those endpoints, before anything runs, so a page elsewhere cannot make a browser sign
/// in, register or redeem codes there. A preflight (`OPTIONS`) is answered at once with 204; the answers expose
/// `WWW-Authenticate` (and the proof headers of ``MCPCORSMiddleware+DPoP``), which a browser client must read.
///
/// ```swift
/// router.add(middleware: RealmCORSMiddleware(server: realmServer, allowedOrigins: options.allowedOrigins))
/// ```
///
/// Throws ``HTTPRequestError/originNotAllowed(_:)`` (403).
/// - SeeAlso: the Fetch standard's CORS protocol; Keycloak's client "Web origins"
public import Hummingbird

public struct RealmCORSMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    let server: RealmServer
    let policy: OriginPolicy
    let publicPaths: Set<String>

    public init(server: RealmServer, allowedOrigins: [String]) {
        self.server = server
        policy = OriginPolicy.allowMissingOrigin.allowing(
            allowedOrigins + [WebOrigin(uri: server.baseURL)?.serialised].compactMap { $0 })
        publicPaths = server.publicPaths.union(["/health"])
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        if !publicPaths.contains(request.uri.path) {
            do {
                try policy.check(origin)
            } catch {
                guard let parsed = WebOrigin(origin), await server.allowsWebOrigin(parsed.serialised) else {
                    context.logger.notice("refused \(request.method) \(request.uri.path): \(error.detail)")
                    throw error
                }
            }
        }
        return try await MCPCORSMiddleware<Context>.answer(
            request, context: context, origin: origin,
            lists: (
                methods: "GET, POST, OPTIONS",
                headers: "Authorization, Content-Type, \(MCPCORSMiddleware<Context>.proofHeaders)",
                exposed: "WWW-Authenticate, \(MCPCORSMiddleware<Context>.proofNonceHeaders)"
            ), next: next)
    }
}
