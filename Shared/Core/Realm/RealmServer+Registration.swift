/// Anonymous dynamic client registration (RFC 7591), under the realm's policy.
///
/// Introduced in step 9, for the client of step 11, which registers itself.
/// A registration is refused with an RFC 7591 error, and nothing is stored, when:
///
/// | input | error |
/// |---|---|
/// | not a JSON object | `invalid_client_metadata` |
/// | a redirect URI that is not https, or http on a loopback host, or has a fragment | `invalid_redirect_uri` |
/// | a redirect URI whose host the policy does not trust (`trusted-hosts`) | `invalid_redirect_uri` |
/// | a grant type other than `authorization_code`, `refresh_token` | `invalid_client_metadata` |
/// | a scope the policy does not allow (`allowed-client-templates`) | `invalid_client_metadata` |
/// | an auth method other than `none`, `client_secret_basic`, `client_secret_post` | `invalid_client_metadata` |
///
/// A registered client gets the realm's default scopes (so its tokens carry
/// `aud` `echo-mcp-server`) and, as optional scopes, those it asked for
/// (all of the realm's optional scopes when it named none).
///
/// - SeeAlso: RFC 7591 §2, §3.2; RFC 8252 §7.3 (loopback redirect URIs)
import Foundation
import Hummingbird
import Logging

extension RealmServer {
    /// The metadata a client sends (RFC 7591 §2); unknown fields are ignored.
    struct RegistrationRequest: Decodable {
        let redirect_uris: [String]?
        let client_name: String?
        let grant_types: [String]?
        let response_types: [String]?
        let scope: String?
        let token_endpoint_auth_method: String?
    }

    /// The registered client's metadata (RFC 7591 §3.2.1).
    struct RegistrationResponse: Encodable {
        let client_id: String
        let client_secret: String?
        let client_id_issued_at: Int
        let client_secret_expires_at: Int?
        let client_name: String?
        let redirect_uris: [String]
        let grant_types: [String]
        let response_types: [String]
        let token_endpoint_auth_method: String
        let scope: String
    }

    static let registrableGrantTypes: Set<String> = ["authorization_code", "refresh_token"]
    static let authMethods: Set<String> = ["none", "client_secret_basic", "client_secret_post"]

    func register(_ request: Request, logger: Logger) async throws -> Response {
        do {
            // RFC 7591 §3.1: the metadata is a JSON document.
            guard let type = request.headers[.contentType], MediaType.hasEssence(type, "application/json") else {
                throw OAuthError(code: "invalid_client_metadata", description: "Content-Type must be application/json")
            }
            guard let body = try? await request.body.collect(upTo: 64 * 1024),
                let metadata = try? JSONDecoder().decode(RegistrationRequest.self, from: Data(buffer: body))
            else {
                throw OAuthError(
                    code: "invalid_client_metadata", description: "The body must be a JSON object of client metadata")
            }
            let client = try checkRegistration(metadata)
            await state.register(client)
            logger.info(
                "registered client \(client.clientID) (\(LogSafe.clip(client.name ?? "unnamed"))) redirect_uris=\(client.redirectURIs)"
            )
            let response = RegistrationResponse(
                client_id: client.clientID, client_secret: client.secret,
                client_id_issued_at: Int(client.issuedAt?.timeIntervalSince1970 ?? 0),
                client_secret_expires_at: client.secret == nil ? nil : 0, client_name: client.name,
                redirect_uris: client.redirectURIs,
                grant_types: client.grantTypes.sorted(), response_types: ["code"],
                token_endpoint_auth_method: metadata.token_endpoint_auth_method ?? "client_secret_basic",
                scope: (client.defaultScopes + client.optionalScopes).joined(separator: " "))
            return try .json(response, status: .created, headers: [.cacheControl: "no-store"])
        } catch let error as OAuthError {
            logger.notice("registration refused: \(error.code): \(error.description)")
            return try error.response()
        }
    }

    /// Applies RFC 7591 and the realm's policy to `metadata`; the client to store.
    func checkRegistration(_ metadata: RegistrationRequest) throws(OAuthError) -> RealmClient {
        let redirectURIs = metadata.redirect_uris ?? []
        guard !redirectURIs.isEmpty else { throw .invalidRedirectURI("redirect_uris is required") }
        // Sizes a real client never needs: the registrations a flood leaves behind stay small.
        guard redirectURIs.count <= 10, redirectURIs.allSatisfy({ $0.utf8.count <= 2048 }) else {
            throw .invalidRedirectURI("At most 10 redirect_uris, of 2048 bytes each")
        }
        guard (metadata.client_name?.utf8.count ?? 0) <= 200 else {
            throw .invalidClientMetadata("client_name is longer than 200 bytes")
        }
        guard (metadata.scope?.utf8.count ?? 0) <= 1024 else {
            throw .invalidClientMetadata("scope is longer than 1024 bytes")
        }
        for uri in redirectURIs { try checkRedirectURI(uri) }
        let grantTypes = Set(metadata.grant_types ?? ["authorization_code"])
        if let unknown = grantTypes.subtracting(Self.registrableGrantTypes).sorted().first {
            throw .invalidClientMetadata("Unsupported grant type: \(unknown)")
        }
        if let responseTypes = metadata.response_types, responseTypes != ["code"] {
            throw .invalidClientMetadata("Only response_types [\"code\"] is supported")
        }
        let method = metadata.token_endpoint_auth_method ?? "client_secret_basic"
        guard Self.authMethods.contains(method) else {
            throw .invalidClientMetadata("Unsupported token_endpoint_auth_method: \(method)")
        }
        let asked = Self.scopes(metadata.scope)
        if let refused = asked.first(where: {
            !realm.registrationPolicy.allowedScopes.contains($0) && !realm.defaultScopes.contains($0)
        }) {
            throw .invalidClientMetadata("Scope not allowed: \(refused)")
        }
        let optional = asked.isEmpty ? realm.optionalScopes : realm.optionalScopes.filter { asked.contains($0) }
        return RealmClient(
            clientID: UUID().uuidString.lowercased(), name: metadata.client_name, isPublic: method == "none",
            secret: method == "none" ? nil : RealmState.randomToken(), redirectURIs: redirectURIs,
            grantTypes: grantTypes.union(["refresh_token"]),
            defaultScopes: realm.defaultScopes, optionalScopes: optional, issuedAt: state.now())
    }

    /// https, or http on a loopback host (RFC 8252 §7.3); no fragment; a host the policy trusts.
    func checkRedirectURI(_ uri: String) throws(OAuthError) {
        guard let url = URLComponents(string: uri), let scheme = url.scheme?.lowercased(),
            let host = url.host?.lowercased(), !host.isEmpty
        else { throw .invalidRedirectURI("Not an absolute URI: \(LogSafe.clip(uri))") }
        guard url.fragment == nil else { throw .invalidRedirectURI("A redirect URI must not have a fragment") }
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw .invalidRedirectURI(
                "Redirect URIs must use https, or http on a loopback address: \(LogSafe.clip(uri))")
        }
        let trusted = realm.registrationPolicy.trustedHosts
        guard
            trusted.isEmpty || trusted.contains(host)
                || trusted.contains(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
        else {
            throw .invalidRedirectURI("Host not trusted by the registration policy: \(LogSafe.clip(host))")
        }
    }

    /// `GET`/`POST …/userinfo` with a bearer access token of this realm.
    func userinfo(_ request: Request) async throws -> Response {
        let challenge = BearerChallenge(realm: realm.name)
        let user: AuthenticatedUser
        do throws(AuthFailure) {
            let token = try BearerTokenMiddleware<MCPRequestContext>.bearerToken(
                in: request.headers[values: .authorization])
            user = try await userinfoVerifier.verify(token)
            // RFC 9449 §7.2: a DPoP-bound token is no bearer token. This endpoint takes bearer tokens only.
            try BearerTokenMiddleware<MCPRequestContext>.refuseBound(user)
            // Access tokens only (an ID token is for the client, not a credential), and not of a revoked session.
            let claims = TokenFile(token: token).claims.objectValue ?? [:]
            guard claims["typ"]?.stringValue == "Bearer" else { throw AuthFailure.invalidToken("Not an access token") }
            if let session = claims["sid"]?.stringValue, await state.isRevoked(session: session) {
                throw AuthFailure.invalidToken("Token revoked: its session was ended")
            }
        } catch {
            return try AuthRejection(error, challenge: challenge).response()
        }
        guard let account = realm.users.values.first(where: { $0.id == user.subject }) else {
            return try AuthRejection(.invalidToken("Token is not for a user"), challenge: challenge).response()
        }
        struct UserInfo: Encodable {
            let sub: String
            let preferred_username: String
            let name: String?
            let given_name: String?
            let family_name: String?
            let email: String?
            let email_verified: Bool
        }
        return try .json(
            UserInfo(
                sub: account.id, preferred_username: account.username, name: account.fullName,
                given_name: account.firstName,
                family_name: account.lastName, email: account.email, email_verified: account.emailVerified))
    }
}

extension OAuthError {
    static func invalidRedirectURI(_ description: String) -> OAuthError {
        .init(code: "invalid_redirect_uri", description: description)
    }
    static func invalidClientMetadata(_ description: String) -> OAuthError {
        .init(code: "invalid_client_metadata", description: description)
    }
}
