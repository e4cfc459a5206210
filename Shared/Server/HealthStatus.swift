/// The body of `GET /health`.
///
/// Introduced in step 1 as `{"status":"healthy"}`. Later steps fill in the
/// optional flags that say what they switched on, so a learner's script can ask
/// a running server what it does. Flags left `nil` are not written.
///
/// ```swift
/// router.get("/health") { _, _ in HealthStatus() }
/// ```
public import Hummingbird

public struct HealthStatus: ResponseGenerator, Encodable, Sendable {
    public let status = "healthy"

    public init() {}

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try .json(self)
    }
}
