/// The demo authorization server of step 7: this server's own URL as issuer, and a token endpoint.
///
/// Introduced in step 7, so that the metadata the server publishes points at an
/// authorization server that exists. It serves RFC 8414 metadata at
/// `/.well-known/oauth-authorization-server` and one grant at `POST /oauth/token`:
/// `password`, for the ``DemoUser``s, minting the same tokens as `gen-token`
/// (signed with the demo key, `iss` this server's URL). It has no authorization
/// endpoint, so no browser flow: that, with PKCE and registration, is step 9.
///
/// ```console
/// $ curl -s http://localhost:9000/oauth/token -d grant_type=password -d username=alice -d password=alice123
/// {"access_token":"eyJ…","expires_in":3600,"scope":"mcp:read mcp:tools","token_type":"Bearer"}
/// ```
///
/// Requests are checked: an unknown user or a wrong password (compared in
/// constant time) → `invalid_grant`; a grant other than `password` →
/// `unsupported_grant_type`; a scope it does not know → `invalid_scope`; a
/// `resource` (RFC 8707) other than this server's → `invalid_target`; this server's
/// resource becomes the token's `aud`, and the metadata says
/// `"resource_indicators_supported":true`, as the posts show. Scopes
/// are those asked for that the user holds (all of them when none are asked).
///
/// - SeeAlso: RFC 6749 §4.3 (password grant), §5 (token response and errors); RFC 8707 §2
import Foundation
import HTTPTypes
public import Hummingbird
import Logging

public struct DemoAuthorizationServer: Sendable {
    public static let tokenPath = "/oauth/token"

    /// The issuer identifier: this server's public URL.
    public let issuer: String
    /// The resource tokens are for (`<issuer>/mcp`).
    public let resource: String
    public let scopesSupported: [String]
    public let users: [DemoUser]
    let signer: TokenIssuer?

    /// An authorization server at `serverURL` for the resource `<serverURL>/mcp`, signing with the
    /// demo private key in `keys`; without that key the token endpoint answers 503.
    ///
    /// - Throws: when the private key is there but is not an RSA key.
    public init(
        serverURL: String, scopesSupported: [String], keys: KeyDirectory, users: [DemoUser] = DemoUser.all
    ) async throws {
        self.issuer = serverURL
        self.resource = serverURL + "/mcp"
        self.scopesSupported = scopesSupported
        self.users = users
        if let pem = keys.privateKeyPEM() {
            self.signer = try TokenIssuer(privateKeyPEM: pem, keyID: KeyDirectory.demoKeyID, issuer: serverURL)
        } else {
            self.signer = nil
        }
    }

    public var metadata: AuthorizationServerMetadata {
        AuthorizationServerMetadata(
            issuer: issuer, tokenEndpoint: issuer + Self.tokenPath, jwksURI: issuer + "/.well-known/jwks.json",
            scopesSupported: scopesSupported, responseTypesSupported: [], grantTypesSupported: ["password"],
            tokenEndpointAuthMethodsSupported: ["none"], resourceIndicatorsSupported: true)
    }

    public func addRoutes<Context: Hummingbird.RequestContext>(to router: Router<Context>) {
        let metadata = self.metadata
        router.get(RouterPath(AuthorizationServerMetadata.wellKnownPath)) { _, _ in metadata }
        router.post(RouterPath(Self.tokenPath)) { request, context in
            try await self.token(request, logger: context.logger)
        }
    }

    func token(_ request: Request, logger: Logger) async throws -> Response {
        guard let buffer = try? await request.body.collect(upTo: 16 * 1024),
            let form = FormFields.parse(String(buffer: buffer))
        else {
            return try OAuthError.invalidRequest(
                "The body must be an application/x-www-form-urlencoded token request, each field once"
            ).response()
        }
        let token: TokenIssuer.IssuedToken
        do {
            token = try await issue(form)
        } catch {
            logger.notice("token request refused: \(error.code): \(error.description)")
            return try error.response()
        }
        logger.info("token issued to \(token.claims.preferredUsername ?? "?") scopes=[\(token.claims.scope ?? "")]")
        let body = TokenResponse(accessToken: token.token, expiresIn: 3600, scope: token.claims.scope ?? "")
        return try .json(body, headers: [.cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"])
    }

    /// Checks a password grant and mints its token.
    func issue(_ form: [String: String]) async throws(OAuthError) -> TokenIssuer.IssuedToken {
        guard let grant = form["grant_type"] else { throw .invalidRequest("grant_type is required") }
        guard grant == "password" else {
            throw .unsupportedGrantType(
                "Only the password grant is supported here (the realm server of step 9 has the others)")
        }
        guard let username = form["username"], let password = form["password"] else {
            throw .invalidRequest("username and password are required")
        }
        let user = users.first { $0.username == username }
        guard ConstantTime.passwordMatches(password, expected: user?.password), let user else {
            throw .invalidGrant("Invalid username or password")
        }
        let requested = form["scope"].map { Set($0.split(separator: " ").map(String.init)) }
        if let unknown = requested?.subtracting(scopesSupported).sorted().first {
            throw .invalidScope("Unknown scope: \(unknown)")
        }
        let granted = user.scopes.filter { requested?.contains($0) ?? true }
        var audience = [TokenIssuer.demoAudience]
        if let resource = form["resource"] {
            guard resource == self.resource else {
                throw .invalidTarget("This server issues tokens for \(self.resource) only")
            }
            audience = [resource]
        }
        guard let signer else {
            throw .temporarilyUnavailable(
                "No private key to sign with in the keys folder (--keys, $KEYS_DIR); the demo key pair is keys/mcp_private_key.pem in the repository"
            )
        }
        do {
            return try signer.issue(
                username: user.username, scopes: granted, roles: user.roles, audience: audience)
        } catch {
            throw .serverError("Signing failed")
        }
    }

    struct TokenResponse: Encodable {
        let accessToken: String
        let tokenType = "Bearer"
        let expiresIn: Int
        let scope: String

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
            case scope
        }
    }
}
