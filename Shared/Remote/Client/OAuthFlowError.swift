/// Why the client stopped, in words its user can act on.
///
/// Introduced in step 11. Every refusal of the flow is one of these, raised
/// the moment a check fails, before anything else is sent. The last three
/// are a key-bound client's (`OAuthFlowError+DPoP.swift`).
import Foundation

public enum OAuthFlowError: Error, Equatable, CustomStringConvertible {
    case unreachable(String, String)
    case unexpectedStatus(String, Int, detail: String? = nil)
    case noResourceMetadata(String)
    case resourceMismatch(expected: String, got: String)
    case noAuthorizationServer
    case pkceNotSupported(String)
    case unsafeAuthorizationEndpoint(String)
    case registrationRefused(String)
    case authorizationRefused(String)
    case stateMismatch
    case issuerMismatch(expected: String, got: String)
    case issuerMissing(String)
    case noRedirect(Duration)
    case tokenRefused(String)
    /// The authorization server does not know the client (any more): `invalid_client`, or an authorization request
    /// refused before any redirect.
    case clientUnknown(String)
    case scopeNotGranted(String)
    case stillForbidden(String)
    case dpopRequired(String)
    case tokenNotDPoPBound(String)
    case tokenBoundToAnotherKey(expected: String, got: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "Cannot reach \(url): \(reason) (10 s at most per request)"
        case .unexpectedStatus(let what, let status, let detail):
            "\(what) answered HTTP \(status)\(detail.map { ": \($0)" } ?? "")"
        case .noResourceMetadata(let detail): "No protected resource metadata found (\(detail))"
        case .resourceMismatch(let expected, let got):
            "The resource metadata is for \(got), not for \(expected) (RFC 9728 §3.3): refusing to go on"
        case .noAuthorizationServer: "The resource metadata names no authorization server"
        case .pkceNotSupported(let issuer):
            "\(issuer) does not list S256 in code_challenge_methods_supported; MCP requires PKCE, so this client stops here"
        case .unsafeAuthorizationEndpoint(let url): "Refusing an authorization endpoint that is not http(s): \(url)"
        case .registrationRefused(let detail): "Client registration refused: \(detail)"
        case .authorizationRefused(let detail): "The authorization server refused: \(detail)"
        case .stateMismatch: "The redirect's state is not the one sent: possible CSRF, stopping"
        case .issuerMissing(let issuer):
            "The redirect has no iss, though \(issuer) says it sends one (RFC 9207): possible mix-up attack, stopping"
        case .issuerMismatch(let expected, let got):
            "The redirect's iss is \(got), not \(expected) (RFC 9207): possible mix-up attack, stopping"
        case .noRedirect(let timeout):
            "No redirect came back to this client within \(timeout): the sign-in was not finished"
        case .tokenRefused(let detail): "Token request refused: \(detail)"
        case .clientUnknown(let detail): "The authorization server does not know this client: \(detail)"
        case .scopeNotGranted(let scope): "The authorization server did not grant \(scope): this user may not have it"
        case .stillForbidden(let detail): "Still forbidden after two step-up authorizations: \(detail)"
        case .dpopRequired, .tokenNotDPoPBound, .tokenBoundToAnotherKey: bindingDescription
        }
    }
}
