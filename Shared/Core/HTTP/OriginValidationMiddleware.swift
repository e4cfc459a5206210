/// Applies an ``OriginPolicy`` to every request but `/health`.
///
/// Introduced in step 1. Runs before routing, so a refused origin learns nothing,
/// not even whether a path exists. `/health` is exempt: it is public, and load
/// balancers and scripts call it without an origin.
///
/// ```swift
/// router.add(middleware: OriginValidationMiddleware(policy: .requireOrigin))
/// ```
///
/// Throws ``HTTPRequestError/originMissing`` or ``HTTPRequestError/originNotAllowed(_:)`` (403).
public import Hummingbird

public struct OriginValidationMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    let policy: OriginPolicy
    let exemptPaths: Set<String>

    public init(policy: OriginPolicy, exemptPaths: Set<String> = ["/health"]) {
        self.policy = policy
        self.exemptPaths = exemptPaths
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if !exemptPaths.contains(request.uri.path) {
            do {
                try policy.check(request.headers.value(.origin))
            } catch {
                context.logger.notice("refused \(request.method) \(request.uri.path): \(error.detail)")
                throw error
            }
        }
        return try await next(request, context)
    }
}
