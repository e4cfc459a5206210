/// Who is calling, as verified from a bearer token.
///
/// Introduced in step 6. The bearer middleware puts one in the request context
/// after the token's signature and claims check out; the dispatch reads it by
/// type (never a dictionary of claims), to name the caller in `initialize` and
/// `ping`, and the scope policy of step 8 decides with it.
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

    public init(
        username: String, subject: String, scopes: Set<String>, roles: Set<String> = [], issuer: String, keyID: String? = nil,
        expiresAt: Date
    ) {
        self.username = username
        self.subject = subject
        self.scopes = scopes
        self.roles = roles
        self.issuer = issuer
        self.keyID = keyID
        self.expiresAt = expiresAt
    }

    /// The scopes as one sorted, space-separated string, for logs.
    public var scopeList: String { scopes.sorted().joined(separator: " ") }
}
