/// The token endpoint of the realm server: four grants, each fully checked.
///
/// Introduced in step 9.
///
/// | grant | checks |
/// |---|---|
/// | `password` | client allowed direct grants; username and password (constant time) |
/// | `authorization_code` | code known, unexpired (60 s), unused (single use: a second use revokes what the first gave); same client; the `redirect_uri` of the authorization request; PKCE verifier (every client) |
/// | `refresh_token` | token known, unexpired, issued to this client, its session alive; rotated on use (a rotated token used again revokes its session) |
/// | `client_credentials` | confidential client with a service account |
///
/// Every client is authenticated first: a confidential client by its secret
/// (HTTP Basic or form, compared in constant time), a public client by its id.
/// An RFC 8707 `resource` becomes the token's audience.
///
/// A token request may also prove a key, for tokens bound to it (``proofKeyThumbprint(_:)``, step 10, Going further).
///
/// - SeeAlso: RFC 6749 §4–6, RFC 7636 §4.6, RFC 8707 §2.2
import Foundation
import Hummingbird
import Logging

extension RealmServer {
    func token(_ request: Request, logger: Logger) async throws -> Response {
        do {
            // RFC 6749 §3.2: the token endpoint takes application/x-www-form-urlencoded, and nothing else.
            guard let type = request.headers[.contentType],
                MediaType.hasEssence(type, "application/x-www-form-urlencoded")
            else {
                throw OAuthError.invalidRequest("Content-Type must be application/x-www-form-urlencoded")
            }
            guard let form = await form(request) else {
                throw OAuthError.invalidRequest("The body must be a form, each field once")
            }
            let client = try await authenticateClient(request, form: form)
            let grantType = form["grant_type"] ?? ""
            guard ["password", "authorization_code", "refresh_token", "client_credentials"].contains(grantType) else {
                throw OAuthError.unsupportedGrantType("Unsupported grant_type")
            }
            guard client.grantTypes.contains(grantType) else {
                throw OAuthError(code: "unauthorized_client", description: "Client not allowed to use \(grantType)")
            }
            let boundKey = try proofKeyThumbprint(request)
            let response: TokenResponse
            switch grantType {
            case "password": response = try await passwordGrant(form, client: client, boundKey: boundKey)
            case "authorization_code":
                response = try await authorizationCodeGrant(form, client: client, boundKey: boundKey, logger: logger)
            case "refresh_token":
                response = try await refreshTokenGrant(form, client: client, boundKey: boundKey, logger: logger)
            default: response = try await clientCredentialsGrant(form, client: client, boundKey: boundKey)
            }
            logger.info(
                "token issued: grant=\(grantType) client=\(client.clientID) scope=[\(response.scope)]\(boundKey.map { " bound to jkt=\($0)" } ?? "")"
            )
            return try .json(response, headers: [.cacheControl: "no-store"])
        } catch let error as OAuthError {
            logger.notice("token request refused: \(error.code): \(error.description)")
            return try error.response()
        }
    }

    /// The client of a token request, authenticated.
    ///
    /// - Throws: `invalid_client` (401) for an unknown client or a wrong or missing secret.
    func authenticateClient(_ request: Request, form: [String: String]) async throws(OAuthError) -> RealmClient {
        var clientID = form["client_id"]
        var secret = form["client_secret"]
        // RFC 6749 §5.2: a client that tried HTTP Basic is answered with a Basic challenge.
        var refusal = OAuthError.invalidClient("Invalid client or Invalid client credentials")
        if let basic = request.headers[.authorization], basic.lowercased().hasPrefix("basic ") {
            refusal.challenge = #"Basic realm="\#(realm.name)""#
            guard
                let decoded = Data(base64Encoded: String(basic.dropFirst(6))).flatMap({
                    String(data: $0, encoding: .utf8)
                }),
                let colon = decoded.firstIndex(of: ":")
            else {
                var malformed = OAuthError.invalidClient("Malformed Basic credentials")
                malformed.challenge = refusal.challenge
                throw malformed
            }
            clientID = String(decoded[..<colon]).removingPercentEncoding
            secret = String(decoded[decoded.index(after: colon)...]).removingPercentEncoding
        }
        guard let clientID, let client = await client(clientID) else { throw refusal }
        if !client.isPublic {
            guard let secret, let expected = client.secret, ConstantTime.equals(secret, expected) else { throw refusal }
        }
        return client
    }

    func passwordGrant(
        _ form: [String: String], client: RealmClient, boundKey: String?
    ) async throws(OAuthError) -> TokenResponse {
        guard let username = form["username"], let password = form["password"] else {
            throw .invalidRequest("Missing parameter: username or password")
        }
        let user = realm.users[username]
        let throttle = RealmState.FailureKey(username: username, clientID: client.clientID)
        // A throttled attempt is refused like a wrong password, right password or not, known user or not.
        let allowed = await state.mayTry(throttle)
        guard ConstantTime.passwordMatches(password, expected: user?.password), allowed, let user, user.enabled else {
            await state.recordFailure(throttle)
            throw .invalidGrant("Invalid user credentials")
        }
        await state.recordSuccess(throttle)
        return try await issueTokens(
            client: client, user: user, scope: Self.scopes(form["scope"]), resource: form["resource"],
            session: (UUID().uuidString.lowercased(), state.now()), boundKey: boundKey)
    }

    func authorizationCodeGrant(
        _ form: [String: String], client: RealmClient, boundKey: String?, logger: Logger
    ) async throws(OAuthError) -> TokenResponse {
        guard let code = form["code"] else { throw .invalidRequest("Missing parameter: code") }
        let grant: RealmState.AuthorizationCode
        switch await state.redeem(code) {
        case .redeemed(let redeemed): grant = redeemed
        case .invalid: throw .invalidGrant("Code not valid")
        case .replayed(let used):
            logger.warning(
                "code used twice: client=\(client.clientID) user=\(used.user.username); its session is revoked (RFC 6749 §4.1.2)"
            )
            throw .invalidGrant("Code not valid")
        }
        guard grant.clientID == client.clientID else { throw .invalidGrant("Code was issued to another client") }
        if form["redirect_uri"] != nil || grant.redirectURIGiven {
            guard form["redirect_uri"] == grant.redirectURI else { throw .invalidGrant("Incorrect redirect_uri") }
        }
        guard let challenge = grant.codeChallenge else {
            // Every code has a challenge now; a verifier for one without would be a downgrade (RFC 9700 §2.1.1).
            throw .invalidGrant("PKCE verification failed: the authorization request had no code_challenge")
        }
        guard let verifier = form["code_verifier"], PKCEVerifier.verify(verifier: verifier, challenge: challenge) else {
            throw .invalidGrant("PKCE verification failed: Code mismatch")
        }
        if let resource = form["resource"], resource != grant.resource {
            throw .invalidTarget("The resource must be the one authorized")
        }
        return try await issueTokens(
            client: client, user: grant.user, scope: grant.scope, resource: grant.resource,
            session: (grant.sessionID, grant.sessionStartedAt), nonce: grant.nonce, boundKey: boundKey)
    }

    func refreshTokenGrant(
        _ form: [String: String], client: RealmClient, boundKey: String?, logger: Logger
    ) async throws(OAuthError) -> TokenResponse {
        guard let token = form["refresh_token"] else { throw .invalidRequest("Missing parameter: refresh_token") }
        let grant: RealmState.RefreshGrant
        switch await state.redeemRefreshToken(token, clientID: client.clientID, boundKeyThumbprint: boundKey) {
        case .redeemed(let redeemed): grant = redeemed
        case .invalid: throw .invalidGrant("Invalid refresh token")
        case .reused(let rotated):
            logger.warning(
                "refresh token used twice: client=\(client.clientID) user=\(rotated.user?.username ?? "-"); its session is revoked (RFC 9700 §4.14.2)"
            )
            throw .invalidGrant("Invalid refresh token: it was already used, so its session is revoked")
        case .proofRequired:
            throw Self.proofRequiredForBoundRefreshToken
        case .otherKey: throw Self.refreshTokenBoundToAnotherKey
        }
        var scope = grant.scope
        if let narrower = form["scope"] {
            let asked = Self.scopes(narrower)
            guard Set(asked).isSubset(of: grant.scope) else {
                throw .invalidScope("Scope not granted with this refresh token")
            }
            scope = asked
        }
        let user = grant.user.flatMap { realm.users[$0.username] }
        return try await issueTokens(
            client: client, user: user, scope: scope, resource: grant.resource,
            session: (grant.sessionID, grant.sessionStartedAt), boundKey: boundKey)
    }

    func clientCredentialsGrant(
        _ form: [String: String], client: RealmClient, boundKey: String?
    ) async throws(OAuthError) -> TokenResponse {
        try await issueTokens(
            client: client, user: nil, scope: Self.scopes(form["scope"]), resource: form["resource"], session: nil,
            boundKey: boundKey)
    }

    /// `scope` as a list; empty for none.
    static func scopes(_ value: String?) -> [String] {
        (value ?? "").split(separator: " ").map(String.init)
    }

    /// Mints the access token (and refresh and ID tokens where due) for a checked grant; bound to the key `boundKey` names, if
    /// given. A refresh token lives `refreshTokenLifespan`, and never past its session's `sessionMaxLifespan`.
    func issueTokens(
        client: RealmClient, user: RealmUser?, scope requested: [String], resource: String?,
        session: (id: String, startedAt: Date)?, nonce: String? = nil, boundKey: String?
    ) async throws(OAuthError) -> TokenResponse {
        let sessionID = session?.id
        if let resource { try checkResource(resource) }
        let roles = user?.roles ?? []
        let grant = try realm.grant(client: client, roles: roles, requested: requested, resource: resource)
        let now = Date(timeIntervalSince1970: state.now().timeIntervalSince1970.rounded(.down))
        let subject = user?.id ?? RealmUser.stableID(realm: realm.name, username: "service-account-" + client.clientID)
        let resourceAccess = Dictionary(grouping: roles, by: \.client).mapValues {
            RealmTokenClaims.Roles(roles: $0.map(\.role).sorted())
        }
        var claims = RealmTokenClaims(
            exp: now.addingTimeInterval(realm.accessTokenLifespan), iat: now, jti: UUID().uuidString.lowercased(),
            iss: issuer, aud: grant.audience.isEmpty ? nil : grant.audience, sub: subject,
            typ: Self.tokenType(boundKey: boundKey), azp: client.clientID, sid: sessionID, acr: "1",
            scope: grant.scope.joined(separator: " "),
            realmAccess: .init(roles: ["default-roles-\(realm.name)"]),
            resourceAccess: resourceAccess.isEmpty ? nil : resourceAccess,
            preferredUsername: user?.username ?? "service-account-\(client.clientID)")
        if grant.scope.contains("profile") {
            (claims.name, claims.givenName, claims.familyName) = (user?.fullName, user?.firstName, user?.lastName)
        }
        if grant.scope.contains("email") { (claims.email, claims.emailVerified) = (user?.email, user?.emailVerified) }
        claims.cnf = boundKey.map(AccessTokenClaims.Confirmation.init(jkt:))
        do {
            let accessToken = try signingKey.sign(claims)
            var idToken: String?
            if grant.scope.contains(Realm.openID), user != nil {
                var id = claims
                (id.typ, id.aud, id.nonce, id.scope, id.realmAccess, id.resourceAccess) = (
                    "ID", [client.clientID], nonce, nil, nil, nil
                )
                id.cnf = nil
                idToken = try signingKey.sign(id)
            }
            var refreshToken: String?
            var refreshExpiresAt = now
            if client.grantTypes.contains("refresh_token"), let session {
                refreshExpiresAt = min(
                    now.addingTimeInterval(realm.refreshTokenLifespan),
                    session.startedAt.addingTimeInterval(realm.sessionMaxLifespan))
                if refreshExpiresAt > now {
                    refreshToken = await state.issue(
                        RealmState.RefreshGrant(
                            clientID: client.clientID, user: user, scope: requested, resource: resource,
                            sessionID: session.id, sessionStartedAt: session.startedAt, expiresAt: refreshExpiresAt,
                            boundKeyThumbprint: client.isPublic ? boundKey : nil))
                }
            }
            return TokenResponse(
                accessToken: accessToken, expiresIn: Int(realm.accessTokenLifespan),
                refreshExpiresIn: refreshToken == nil ? 0 : Int(refreshExpiresAt.timeIntervalSince(now)),
                refreshToken: refreshToken, idToken: idToken, sessionState: sessionID,
                scope: grant.scope.joined(separator: " "),
                tokenType: Self.tokenType(boundKey: boundKey))
        } catch {
            throw .serverError("Signing failed")
        }
    }

    /// An RFC 8707 resource must be an absolute URI without a fragment, and one this realm issues tokens for.
    func checkResource(_ resource: String) throws(OAuthError) {
        guard let url = URLComponents(string: resource), url.scheme != nil, url.host != nil, url.fragment == nil else {
            throw .invalidTarget("resource must be an absolute URI without a fragment")
        }
        guard realm.knowsResource(resource) else {
            throw .invalidTarget(
                "Unknown resource: \(resource) (the realm attribute mcp.resources lists the known ones)")
        }
    }

    /// Keycloak's token response.
    struct TokenResponse: Encodable {
        let accessToken: String
        let expiresIn: Int
        let refreshExpiresIn: Int
        let refreshToken: String?
        let idToken: String?
        let sessionState: String?
        let scope: String
        /// `Bearer`, or the scheme of a token bound to a key.
        let tokenType: String
        let notBeforePolicy = 0

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
            case refreshExpiresIn = "refresh_expires_in"
            case refreshToken = "refresh_token"
            case idToken = "id_token"
            case sessionState = "session_state"
            case scope
            case tokenType = "token_type"
            case notBeforePolicy = "not-before-policy"
        }
    }
}
