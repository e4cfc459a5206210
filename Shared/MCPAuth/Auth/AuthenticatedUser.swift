/// Who is calling, as verified from a bearer token.
///
/// Introduced in step 6. The bearer middleware puts one in the request context
/// after the token's signature and claims check out; the dispatch reads it by
/// type (never a dictionary of claims), to name the caller in `initialize` and
/// `ping`, and the scope policy of step 8 decides with it. It also says
/// whether the token is bound to a key (``boundKeyThumbprint``), which decides
/// how the token must be presented.
import Foundation

public struct AuthenticatedUser: Sendable, Equatable {
    /// `preferred_username`, else `sub`.
    public let username: String
    /// `sub`, else `preferred_username`.
    public let subject: String
    /// Granted scopes, from `scope` (space-separated) and `scopes` (array).
    public let scopes: Set<String>
    /// Roles, from `roles` (and, with Keycloak, `realm_access.roles` and the resource's client roles).
    public let roles: Set<String>
    /// The issuer that vouched for this user.
    public let issuer: String
    /// The key that signed the token, for logs.
    public let keyID: String?
    public let expiresAt: Date
    /// The token's `cnf.jkt`: the thumbprint of the key it is bound to (RFC 7800); nil for a bearer token.
    public let boundKeyThumbprint: String?

    public init(
        username: String, subject: String, scopes: Set<String>, roles: Set<String> = [], issuer: String,
        keyID: String? = nil,
        expiresAt: Date, boundKeyThumbprint: String? = nil
    ) {
        self.username = username
        self.subject = subject
        self.scopes = scopes
        self.roles = roles
        self.issuer = issuer
        self.keyID = keyID
        self.expiresAt = expiresAt
        self.boundKeyThumbprint = boundKeyThumbprint
    }

    /// The scopes as one sorted, space-separated string, for logs.
    public var scopeList: String { scopes.sorted().joined(separator: " ") }

    /// Continues only if this user holds `scope`, or one of `bypassRoles` (none unless given): the guard a tool puts
    /// before work that needs more than the method's scope (step 8's `server_stats` demands `mcp:admin`).
    ///
    /// - Throws: ``AuthFailure/insufficientScope(_:)``, which answers 403 with a challenge naming `scope`, in the scheme
    ///   the ``ResourceChallenge`` of the resource picks for this user.
    /// - SeeAlso: RFC 6750 §3.1, MCP 2025-11-25 Authorization › Scope Challenge Handling
    public func requireScope(_ scope: String, bypassRoles: Set<String> = []) throws(AuthFailure) {
        guard scopes.contains(scope) || !roles.isDisjoint(with: bypassRoles) else { throw .insufficientScope(scope) }
    }
}
