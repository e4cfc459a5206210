/// A request context that can carry the verified caller.
///
/// Introduced in step 6. Steps that authenticate route with
/// ``MCPRequestContext``; the bearer middleware fills in ``caller``, and
/// ``MCPEndpoint`` hands it to the dispatch, typed.
///
/// ```swift
/// let router = Router(context: MCPRequestContext.self)
/// ```
public import Hummingbird

public protocol AuthenticatedRequestContext: Hummingbird.RequestContext {
    /// The user the bearer token vouched for; nil before authentication.
    var caller: AuthenticatedUser? { get set }
}

/// The request context of steps 6 on.
public struct MCPRequestContext: AuthenticatedRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: AuthenticatedUser?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.caller = nil
    }
}
