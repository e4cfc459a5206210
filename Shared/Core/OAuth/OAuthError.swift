/// An OAuth 2.0 error response: `{"error":"…","error_description":"…"}` with its status.
///
/// Introduced in step 7 (the demo token endpoint); the realm server of step 9
/// answers its token, registration and authorization errors the same way.
///
/// - SeeAlso: RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 8707 §2
public import Hummingbird

public struct OAuthError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: String
    public let description: String
    public let status: HTTPResponse.Status
    /// The `WWW-Authenticate` challenge, for `invalid_client` after HTTP Basic authentication (RFC 6749 §5.2).
    public var challenge: String?
    /// More headers of the answer, for errors that carry some.
    public var headers: HTTPFields = [:]

    public init(code: String, description: String, status: HTTPResponse.Status = .badRequest, challenge: String? = nil)
    {
        self.code = code
        self.description = description
        self.status = status
        self.challenge = challenge
    }

    public static func invalidRequest(_ description: String) -> OAuthError {
        .init(code: "invalid_request", description: description)
    }
    public static func invalidGrant(_ description: String) -> OAuthError {
        .init(code: "invalid_grant", description: description)
    }
    public static func invalidScope(_ description: String) -> OAuthError {
        .init(code: "invalid_scope", description: description)
    }
    public static func invalidTarget(_ description: String) -> OAuthError {
        .init(code: "invalid_target", description: description)
    }
    public static func unsupportedGrantType(_ description: String) -> OAuthError {
        .init(code: "unsupported_grant_type", description: description)
    }
    public static func invalidClient(_ description: String) -> OAuthError {
        .init(code: "invalid_client", description: description, status: .unauthorized)
    }
    public static func temporarilyUnavailable(_ description: String) -> OAuthError {
        .init(code: "temporarily_unavailable", description: description, status: .serviceUnavailable)
    }
    public static func serverError(_ description: String) -> OAuthError {
        .init(code: "server_error", description: description, status: .internalServerError)
    }

    /// The error as an HTTP response; never cached.
    public func response() throws -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        if let challenge { headers[.wwwAuthenticate] = challenge }
        headers.append(contentsOf: self.headers)
        return try .json(["error": code, "error_description": description], status: status, headers: headers)
    }
}
