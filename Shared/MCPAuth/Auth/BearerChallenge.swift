/// The `WWW-Authenticate: Bearer …` challenge of a protected resource.
///
/// Introduced in step 6; step 7 adds `resource_metadata`, the pointer that lets
/// an MCP client discover the authorization server (RFC 9728 §5.1).
///
/// ```text
/// Bearer realm="mcp-server"                                               no token (step 6)
/// Bearer realm="mcp-server", resource_metadata="http://localhost:9000/.well-known/oauth-protected-resource/mcp",
///        error="invalid_token", error_description="Token expired"        a bad token (step 7 on)
/// Bearer realm="mcp-server", error="insufficient_scope", scope="mcp:tools", …   too few scopes (step 8)
/// ```
///
/// Descriptions are reduced to the characters RFC 6750 allows in a quoted value.
///
/// - SeeAlso: RFC 6750 §3, RFC 9728 §5.1, MCP 2025-11-25 Authorization › Scope Challenge Handling
public struct BearerChallenge: Sendable, Equatable {
    public var realm: String
    /// The URL of this resource's protected resource metadata, once it is served (step 7).
    public var resourceMetadata: String?

    public init(realm: String = "mcp-server", resourceMetadata: String? = nil) {
        self.realm = realm
        self.resourceMetadata = resourceMetadata
    }

    /// The header value answering `failure`.
    public func headerValue(for failure: AuthFailure) -> String {
        var parameters = [("realm", realm)]
        if let resourceMetadata { parameters.append(("resource_metadata", resourceMetadata)) }
        switch failure {
        case .malformedHeader(let reason):
            parameters += [("error", "invalid_request"), ("error_description", reason)]
        case .invalidToken(let reason):
            parameters += [("error", "invalid_token"), ("error_description", reason)]
        case .insufficientScope(let scope):
            parameters += [("error", "insufficient_scope"), ("scope", scope), ("error_description", failure.detail)]
        default:
            break  // no token, or no keys yet: the challenge names no error
        }
        return "Bearer " + parameters.map { "\($0.0)=\"\(Self.quotable($0.1))\"" }.joined(separator: ", ")
    }

    /// `value` with only %x20-21 / %x23-5B / %x5D-7E kept (RFC 6750 §3): no quotes, backslashes or control characters.
    static func quotable(_ value: String) -> String {
        String(
            String.UnicodeScalarView(
                value.unicodeScalars.filter { (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" }))
    }
}
