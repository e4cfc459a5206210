/// The built-in authorization server: the realm file, served the way Keycloak 26 serves it.
///
/// Introduced in step 9, for everyone without Docker (and for the tests of
/// steps 9–11, which start it in-process). It is a real server: it checks every
/// password, client secret, redirect URI, PKCE verifier and code. Endpoints,
/// under `/realms/{realm}`:
///
/// | path | what |
/// |---|---|
/// | `` (the realm) | realm info with its public key |
/// | `/.well-known/openid-configuration`, `/.well-known/oauth-authorization-server` | discovery (also at the RFC 8414 / OIDC path-inserted URLs) |
/// | `/protocol/openid-connect/certs` | JWKS |
/// | `/protocol/openid-connect/auth` | the login form (authorization code + PKCE) |
/// | `/protocol/openid-connect/token` | password, authorization_code, refresh_token, client_credentials; key-bound tokens for a proof (`RealmServer+DPoP.swift`) |
/// | `/protocol/openid-connect/userinfo` | the user behind an access token |
/// | `/clients-registrations/openid-connect` | RFC 7591 anonymous registration |
///
/// State lives in memory only (``RealmState``).
///
/// ```swift
/// let server = try await RealmServer(realm: Realm(representation), baseURL: "http://localhost:8080")
/// server.addRoutes(to: router)
/// ```
import Foundation
public import Hummingbird
import HummingbirdCore
import Logging

public struct RealmServer: Sendable {
    public let realm: Realm
    /// The URL the server is reached at, e.g. `http://localhost:8080`.
    public let baseURL: String
    public let signingKey: RealmSigningKey
    public let state: RealmState
    let userinfoVerifier: TokenVerifier
    /// Checks the proofs of possession sent to the token endpoint (`RealmServer+DPoP.swift`), on the state's clock.
    let proofs: DPoPProofVerifier
    /// Clients named by a metadata document's URL (``ClientMetadataDocuments``); nil: only registered clients.
    public let clientDocuments: ClientMetadataDocuments?

    public init(
        realm: Realm, baseURL: String, signingKey: RealmSigningKey? = nil, state: RealmState? = nil,
        dpopNonces: DPoPNonces? = nil, clientDocuments: ClientMetadataDocuments? = nil
    ) async throws {
        self.clientDocuments = clientDocuments
        let state = state ?? RealmState(sessionMaxLifespan: realm.sessionMaxLifespan)
        self.realm = realm
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let key: RealmSigningKey
        if let signingKey { key = signingKey } else { key = try RealmSigningKey() }
        self.signingKey = key
        self.state = state
        let issuer = self.baseURL + "/realms/" + realm.name
        let now = state.now
        self.userinfoVerifier = TokenVerifier(
            keys: LocalKeySet([try key.verificationKey()]), issuers: [issuer], audiences: [], leeway: 0, now: now,
            checksAudience: false)
        self.proofs = DPoPProofVerifier(nonces: dpopNonces, now: now)
    }

    /// `<base URL>/realms/<realm>`, the `iss` of every token.
    public var issuer: String { baseURL + "/realms/" + realm.name }
    var endpoints: String { issuer + "/protocol/openid-connect" }

    public var authorizationEndpoint: String { endpoints + "/auth" }
    public var tokenEndpoint: String { endpoints + "/token" }
    public var jwksURI: String { endpoints + "/certs" }
    public var userinfoEndpoint: String { endpoints + "/userinfo" }
    public var registrationEndpoint: String { issuer + "/clients-registrations/openid-connect" }

    /// The discovery document, the same at every discovery URL.
    public var metadata: AuthorizationServerMetadata {
        var metadata = AuthorizationServerMetadata(
            issuer: issuer, authorizationEndpoint: authorizationEndpoint, tokenEndpoint: tokenEndpoint,
            jwksURI: jwksURI,
            registrationEndpoint: registrationEndpoint, userinfoEndpoint: userinfoEndpoint,
            scopesSupported: [Realm.openID] + realm.scopes.keys.sorted(), responseTypesSupported: ["code"],
            grantTypesSupported: ["authorization_code", "refresh_token", "password", "client_credentials"],
            tokenEndpointAuthMethodsSupported: ["client_secret_basic", "client_secret_post", "none"],
            codeChallengeMethodsSupported: [PKCEVerifier.method], authorizationResponseIssParameterSupported: true)
        metadata.dpopSigningAlgValuesSupported = DPoPProofVerifier.supportedAlgorithms
        metadata.clientIDMetadataDocumentSupported = clientDocuments == nil ? nil : true
        return metadata
    }

    /// The discovery documents' paths: the realm's own, and the RFC 8414 / OIDC path-inserted ones.
    var discoveryPaths: [String] {
        let realmPath = "/realms/\(realm.name)"
        return [
            "\(realmPath)/.well-known/openid-configuration", "\(realmPath)/.well-known/oauth-authorization-server",
            "/.well-known/oauth-authorization-server\(realmPath)", "/.well-known/openid-configuration\(realmPath)",
        ]
    }

    /// What anyone may read, from any origin: the realm info, discovery and the JWKS (``RealmCORSMiddleware``).
    public var publicPaths: Set<String> {
        Set(
            discoveryPaths + [
                "/realms/\(realm.name)", "/realms/master", "/realms/\(realm.name)/protocol/openid-connect/certs",
            ])
    }

    /// Whether a client of the realm, from the file or registered, lets a browser at `origin` (serialised) call it.
    public func allowsWebOrigin(_ origin: String) async -> Bool {
        if realm.clients.values.contains(where: { $0.allowsWebOrigin(origin) }) { return true }
        return await state.registeredClientAllows(webOrigin: origin)
    }

    public func addRoutes<Context: Hummingbird.RequestContext>(to router: Router<Context>) {
        let realmPath = "/realms/\(realm.name)"
        let metadata = self.metadata
        router.get(RouterPath(realmPath)) { _, _ in try self.realmInfo() }
        router.get("/realms/master") { _, _ in try Response.json(["realm": "master"]) }
        for path in discoveryPaths {
            router.get(RouterPath(path)) { _, _ in metadata }
        }
        router.get(RouterPath("\(realmPath)/protocol/openid-connect/certs")) { _, _ in
            try Response.json(JSONWebKeySet(keys: [self.signingKey.publicJWK]), headers: [.cacheControl: "no-cache"])
        }
        router.get(RouterPath("\(realmPath)/protocol/openid-connect/auth")) { request, context in
            try await self.authorize(request, logger: context.logger)
        }
        router.post(RouterPath("\(realmPath)/protocol/openid-connect/auth")) { request, context in
            try await self.login(request, logger: context.logger)
        }
        router.post(RouterPath("\(realmPath)/protocol/openid-connect/token")) { request, context in
            try await self.token(request, logger: context.logger)
        }
        router.get(RouterPath("\(realmPath)/protocol/openid-connect/userinfo")) { request, _ in
            try await self.userinfo(request)
        }
        router.post(RouterPath("\(realmPath)/protocol/openid-connect/userinfo")) { request, _ in
            try await self.userinfo(request)
        }
        router.post(RouterPath("\(realmPath)/clients-registrations/openid-connect")) { request, context in
            try await self.register(request, logger: context.logger)
        }
    }

    /// `GET /realms/{realm}`: what Keycloak says about a realm.
    func realmInfo() throws -> Response {
        struct Info: Encodable {
            let realm: String
            let public_key: String
            let token_service: String
            let tokens_not_before = 0

            enum CodingKeys: String, CodingKey {
                case realm, public_key
                case token_service = "token-service"
                case tokens_not_before = "tokens-not-before"
            }
        }
        return try .json(Info(realm: realm.name, public_key: signingKey.publicKeyBase64, token_service: endpoints))
    }

    /// A realm-file client, a registered one, or one its metadata document describes.
    func client(_ clientID: String) async -> RealmClient? {
        try? await lookUpClient(clientID)
    }

    /// The client `clientID` names; nil for an unknown one; why a metadata document is refused.
    func lookUpClient(_ clientID: String) async throws(ClientMetadataError) -> RealmClient? {
        if let client = realm.clients[clientID] { return client }
        if let clientDocuments, ClientMetadataDocuments.isDocumentURL(clientID) {
            return try await clientDocuments.client(clientID, realm: realm)
        }
        return await state.registeredClient(clientID)
    }

    /// The form fields of a POST, or nil when the body is not a form or repeats a field.
    func form(_ request: Request) async -> [String: String]? {
        guard let body = try? await request.body.collect(upTo: 64 * 1024) else { return nil }
        return FormFields.parse(String(buffer: body))
    }
}
