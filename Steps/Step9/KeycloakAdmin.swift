/// A small client for Keycloak's admin REST API: the calls `step9 setup` needs, typed.
///
/// Introduced in step 9. It logs in to the master realm as an admin
/// (`POST /realms/master/protocol/openid-connect/token`, `grant_type=password`,
/// `client_id=admin-cli`), keeps the access token until shortly before it
/// expires (60 s by default), and sends it as a bearer token to
/// `/admin/realms/{realm}/…`. Every call is one HTTP request; nothing is cached
/// but the token. Bodies use Keycloak's representation field names, so what
/// the realm file says is what goes over the wire.
///
/// ```swift
/// let admin = KeycloakAdmin(url: "http://localhost:8080", realm: "mcp-realm", user: "admin", password: password, httpClient: .shared)
/// if try await admin.realmSettings() == nil { try await admin.createRealm(settings) }
/// ```
///
/// Throws ``KeycloakAdminError/adminLoginFailed(url:user:status:detail:)`` when
/// Keycloak refuses the admin login, ``KeycloakAdminError/unreachable(url:reason:)``
/// when nothing answers, and ``KeycloakAdminError/requestFailed(method:path:status:detail:)``
/// with Keycloak's own message for any other refusal.
///
/// - SeeAlso: Keycloak Admin REST API (https://www.keycloak.org/docs-api/latest/rest-api/)
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Shared

actor KeycloakAdmin {
    let url: String
    let realm: String
    private let user: String
    private let password: String
    private let httpClient: HTTPClient
    private var token: (value: String, expires: Date)?

    /// How long one admin request may take.
    static let requestTimeout = TimeAmount.seconds(30)

    init(url: String, realm: String, user: String, password: String, httpClient: HTTPClient) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.realm = realm
        self.user = user
        self.password = password
        self.httpClient = httpClient
    }

    /// Whether a Keycloak answers at `url`: `GET {url}/realms/master` gets 200 within 2 s.
    /// Without `httpClient`, a client of its own gives up on a refused connection at once (the shared one retries
    /// until the timeout), so `step9` decides between set-up and serving without a wait.
    static func isReachable(_ url: String, httpClient given: HTTPClient? = nil) async -> Bool {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let httpClient =
            given ?? HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        defer { if given == nil { Task { try? await httpClient.shutdown() } } }
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard
            let response = try? await httpClient.execute(
                HTTPClientRequest(url: base + "/realms/master"), timeout: .seconds(2))
        else {
            return false
        }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return response.status == .ok
    }

    // MARK: Realm

    /// The realm's settings, or nil when Keycloak has no realm of that name.
    func realmSettings() async throws -> Identified<RealmSettings>? {
        try await find(path: "")
    }

    /// `POST /admin/realms`. Keycloak then adds its built-in client scopes, roles and registration policies.
    func createRealm(_ settings: RealmSettings) async throws {
        _ = try await send(.POST, "/admin/realms", body: settings)
    }

    func updateRealm(_ settings: RealmSettings) async throws {
        try await write(.PUT, "", body: settings)
    }

    // MARK: Client scopes

    func clientScopes() async throws -> [Identified<ClientScopeRepresentation>] {
        try await get("/client-scopes")
    }

    /// Creates a client scope with its protocol mappers; returns its id.
    func createClientScope(_ scope: ClientScopeRepresentation) async throws -> String {
        try await create("/client-scopes", body: scope)
    }

    /// Updates name, description, protocol and attributes (mappers have their own calls).
    func updateClientScope(id: String, _ scope: ClientScopeRepresentation) async throws {
        var scope = scope
        scope.protocolMappers = nil
        try await write(.PUT, "/client-scopes/\(id)", body: Identified(id: id, scope))
    }

    func protocolMappers(clientScope id: String) async throws -> [Identified<ProtocolMapperRepresentation>] {
        try await get("/client-scopes/\(id)/protocol-mappers/models")
    }

    func createProtocolMapper(_ mapper: ProtocolMapperRepresentation, clientScope id: String) async throws {
        _ = try await create("/client-scopes/\(id)/protocol-mappers/models", body: mapper)
    }

    func updateProtocolMapper(
        id mapperID: String, _ mapper: ProtocolMapperRepresentation, clientScope id: String
    ) async throws {
        try await write(
            .PUT, "/client-scopes/\(id)/protocol-mappers/models/\(mapperID)", body: Identified(id: mapperID, mapper))
    }

    // MARK: Default client scopes

    /// The realm's default or optional client scopes: those every new client gets.
    func realmClientScopes(_ kind: ScopeKind) async throws -> [ScopeReference] {
        try await get("/default-\(kind.rawValue)-client-scopes")
    }

    func addRealmClientScope(_ kind: ScopeKind, id: String) async throws {
        try await write(.PUT, "/default-\(kind.rawValue)-client-scopes/\(id)")
    }

    func removeRealmClientScope(_ kind: ScopeKind, id: String) async throws {
        try await write(.DELETE, "/default-\(kind.rawValue)-client-scopes/\(id)")
    }

    // MARK: Clients

    /// The client with this `clientId`, or nil.
    func client(clientId: String) async throws -> Identified<ClientRepresentation>? {
        let clients: [Identified<ClientRepresentation>] = try await get("/clients", query: [("clientId", clientId)])
        return clients.first { $0.representation.clientId == clientId }
    }

    func createClient(_ client: ClientRepresentation) async throws -> String {
        try await create("/clients", body: client)
    }

    func updateClient(id: String, _ client: ClientRepresentation) async throws {
        try await write(.PUT, "/clients/\(id)", body: Identified(id: id, client))
    }

    /// A confidential client's secret (`GET /clients/{id}/client-secret`).
    func clientSecret(id: String) async throws -> String? {
        let credential: SecretCredential = try await get("/clients/\(id)/client-secret")
        return credential.value
    }

    func clientRoles(client id: String) async throws -> [Identified<RoleRepresentation>] {
        try await get("/clients/\(id)/roles")
    }

    func createClientRole(_ role: RoleRepresentation, client id: String) async throws {
        _ = try await send(.POST, adminPath("/clients/\(id)/roles"), body: role)
    }

    func updateClientRole(_ role: RoleRepresentation, client id: String) async throws {
        try await write(.PUT, "/clients/\(id)/roles/\(Self.pathSegment(role.name))", body: role)
    }

    /// The client's own default or optional client scopes.
    func clientScopes(_ kind: ScopeKind, client id: String) async throws -> [ScopeReference] {
        try await get("/clients/\(id)/\(kind.rawValue)-client-scopes")
    }

    func addClientScope(_ kind: ScopeKind, id scopeID: String, client id: String) async throws {
        try await write(.PUT, "/clients/\(id)/\(kind.rawValue)-client-scopes/\(scopeID)")
    }

    func removeClientScope(_ kind: ScopeKind, id scopeID: String, client id: String) async throws {
        try await write(.DELETE, "/clients/\(id)/\(kind.rawValue)-client-scopes/\(scopeID)")
    }

    // MARK: Role scope mappings

    /// The roles of client `client` a client scope is mapped to: the scope applies only to users holding one of them.
    func scopeMappings(clientScope id: String, client: String) async throws -> [Identified<RoleRepresentation>] {
        try await get("/client-scopes/\(id)/scope-mappings/clients/\(client)")
    }

    func addScopeMappings(
        _ roles: [Identified<RoleRepresentation>], clientScope id: String, client: String
    ) async throws {
        try await write(.POST, "/client-scopes/\(id)/scope-mappings/clients/\(client)", body: roles)
    }

    func removeScopeMappings(
        _ roles: [Identified<RoleRepresentation>], clientScope id: String, client: String
    ) async throws {
        try await write(.DELETE, "/client-scopes/\(id)/scope-mappings/clients/\(client)", body: roles)
    }

    // MARK: Users

    /// The user with exactly this username, or nil.
    func user(username: String) async throws -> Identified<UserRepresentation>? {
        let users: [Identified<UserRepresentation>] = try await get(
            "/users", query: [("username", username), ("exact", "true")])
        return users.first { $0.representation.username == username }
    }

    /// Creates a user, with the credentials in `user` (Keycloak hashes the password).
    func createUser(_ user: UserRepresentation) async throws -> String {
        try await create("/users", body: user)
    }

    /// Updates profile fields; never credentials.
    func updateUser(id: String, _ user: UserRepresentation) async throws {
        var user = user
        user.credentials = nil
        try await write(.PUT, "/users/\(id)", body: Identified(id: id, user))
    }

    func userClientRoles(user id: String, client: String) async throws -> [Identified<RoleRepresentation>] {
        try await get("/users/\(id)/role-mappings/clients/\(client)")
    }

    func addUserClientRoles(_ roles: [Identified<RoleRepresentation>], user id: String, client: String) async throws {
        try await write(.POST, "/users/\(id)/role-mappings/clients/\(client)", body: roles)
    }

    func removeUserClientRoles(_ roles: [Identified<RoleRepresentation>], user id: String, client: String) async throws
    {
        try await write(.DELETE, "/users/\(id)/role-mappings/clients/\(client)", body: roles)
    }

    // MARK: Components

    /// The realm's components of a provider type, e.g. ``Component/clientRegistrationPolicy``.
    func components(type: String) async throws -> [Component] {
        try await get("/components", query: [("type", type)])
    }

    func createComponent(_ component: Component) async throws {
        _ = try await create("/components", body: component)
    }

    func updateComponent(_ component: Component) async throws {
        try await write(.PUT, "/components/\(component.id ?? "")", body: component)
    }

    // MARK: HTTP

    /// The admin token, fetched anew when none is held or it expires within 10 s.
    private func accessToken() async throws -> String {
        if let token, token.expires.timeIntervalSinceNow > 10 { return token.value }
        let form = [("grant_type", "password"), ("client_id", "admin-cli"), ("username", user), ("password", password)]
        var request = HTTPClientRequest(url: url + "/realms/master/protocol/openid-connect/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: FormFields.encode(form)))
        let (status, body) = try await execute(request)
        guard status == .ok,
            let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(body.readableBytesView))
        else {
            throw KeycloakAdminError.adminLoginFailed(
                url: url, user: user, status: Int(status.code), detail: Self.errorDetail(body))
        }
        token = (answer.access_token, Date().addingTimeInterval(TimeInterval(answer.expires_in ?? 60)))
        return answer.access_token
    }

    private struct TokenAnswer: Decodable {
        let access_token: String
        let expires_in: Int?
    }

    private struct SecretCredential: Decodable {
        let value: String?
    }

    /// `/admin/realms/{realm}` followed by `path`.
    private func adminPath(_ path: String) -> String {
        "/admin/realms/" + Self.pathSegment(realm) + path
    }

    private func get<T: Decodable>(_ path: String, query: [(String, String)] = []) async throws -> T {
        let (status, body) = try await send(.GET, adminPath(path), query: query)
        return try decode(body, status: status, path: adminPath(path))
    }

    /// GET that answers nil for 404.
    private func find<T: Decodable>(path: String) async throws -> T? {
        let (status, body) = try await send(.GET, adminPath(path), allowNotFound: true)
        return status == .notFound ? nil : try decode(body, status: status, path: adminPath(path))
    }

    /// POST that answers the new object's id, the last segment of `Location`.
    private func create(_ path: String, body: some Encodable & Sendable) async throws -> String {
        let (_, _, location) = try await sendWithLocation(.POST, adminPath(path), body: body)
        guard let id = location?.split(separator: "/").last else {
            throw KeycloakAdminError.unexpectedResponse(
                method: "POST", path: adminPath(path), detail: "no Location header naming the new object")
        }
        return String(id)
    }

    private func write(_ method: HTTPMethod, _ path: String) async throws {
        _ = try await send(method, adminPath(path))
    }

    private func write(_ method: HTTPMethod, _ path: String, body: some Encodable & Sendable) async throws {
        _ = try await send(method, adminPath(path), body: body)
    }

    private func decode<T: Decodable>(_ body: ByteBuffer, status: HTTPResponseStatus, path: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw KeycloakAdminError.unexpectedResponse(
                method: "GET", path: path, detail: "\(status.code) with a body that is not \(T.self): \(error)")
        }
    }

    private func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], allowNotFound: Bool = false
    ) async throws -> (HTTPResponseStatus, ByteBuffer) {
        let (status, body, _) = try await sendWithLocation(
            method, path, query: query, body: Optional<String>.none, allowNotFound: allowNotFound)
        return (status, body)
    }

    private func send(
        _ method: HTTPMethod, _ path: String, body: some Encodable & Sendable
    ) async throws -> (HTTPResponseStatus, ByteBuffer) {
        let (status, responseBody, _) = try await sendWithLocation(method, path, body: body)
        return (status, responseBody)
    }

    private func sendWithLocation<Body: Encodable & Sendable>(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Body?, allowNotFound: Bool = false
    ) async throws -> (HTTPResponseStatus, ByteBuffer, String?) {
        var request = HTTPClientRequest(url: url + path + (query.isEmpty ? "" : "?" + FormFields.encode(query)))
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer " + (try await accessToken()))
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        let response = try await executeResponse(request)
        let responseBody = try await response.body.collect(upTo: 16 << 20)
        if (200..<300).contains(response.status.code) || (allowNotFound && response.status == .notFound) {
            return (response.status, responseBody, response.headers.first(name: "Location"))
        }
        throw KeycloakAdminError.requestFailed(
            method: method.rawValue, path: path, status: Int(response.status.code),
            detail: Self.errorDetail(responseBody))
    }

    private func execute(_ request: HTTPClientRequest) async throws -> (HTTPResponseStatus, ByteBuffer) {
        let response = try await executeResponse(request)
        return (response.status, try await response.body.collect(upTo: 16 << 20))
    }

    private func executeResponse(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        do {
            return try await httpClient.execute(request, timeout: Self.requestTimeout)
        } catch {
            throw KeycloakAdminError.unreachable(url: url, reason: "\(error)")
        }
    }

    /// Keycloak's explanation in an error body (`errorMessage`, `error_description` or `error`), else the body itself.
    static func errorDetail(_ body: ByteBuffer) -> String {
        struct ErrorBody: Decodable {
            let errorMessage: String?
            let error: String?
            let error_description: String?
        }
        let text = String(buffer: body)
        guard let answer = try? JSONDecoder().decode(ErrorBody.self, from: Data(text.utf8)) else {
            return text.isEmpty ? "no explanation" : String(text.prefix(300))
        }
        return [answer.error, answer.error_description ?? answer.errorMessage].compactMap { $0 }.joined(separator: ": ")
    }

    static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
