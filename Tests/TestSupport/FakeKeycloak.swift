/// A recorded-contract fake of Keycloak 26, for testing `step9 setup` where no Keycloak can run.
///
/// Introduced in step 9. It serves, in memory, the parts of Keycloak that
/// setup talks to: the master realm's token endpoint (admin login), the admin
/// REST API for realms, client scopes and their mappers, default client
/// scopes, clients, client roles, scope mappings, users, role mappings and
/// components, and, for the verify phase, a realm's discovery document and a
/// password grant whose `scope` follows Keycloak's rules (computed by the
/// shared ``Realm`` model from what the admin API stored). It behaves as
/// Keycloak does where setup depends on it: a new realm gets the built-in
/// client scopes and default client-registration policies, a new client gets
/// the realm's default client scopes, objects get ids and `Location` headers,
/// updates merge `attributes` and `config`, duplicates get 409.
///
/// Every request is recorded (method, path, query, JSON body) and every body
/// is checked against Keycloak's representation field names
/// (``Representation``): an unknown field gets 400, as from Keycloak.
///
/// ```swift
/// let keycloak = FakeKeycloak(adminPassword: "pw")
/// try await keycloak.withServer { url in try await setup(url).run() }
/// let writes = await keycloak.adminWrites.map(\.summary)   // ["POST /admin/realms", …]
/// ```
import Foundation
public import Hummingbird
import HummingbirdTesting
import Logging
public import MCP
public import Shared

public actor FakeKeycloak {
    /// One request as the fake received it.
    public struct RecordedRequest: Sendable, CustomStringConvertible {
        public let method: String
        public let path: String
        public let query: String
        public let body: Value?

        /// A write to the admin API (what a run that changes nothing must not send).
        public var isAdminWrite: Bool { path.hasPrefix("/admin/") && method != "GET" }

        /// `METHOD path`, with every id replaced by `{id}`: `PUT /admin/realms/mcp-realm/clients/{id}`.
        public var summary: String { method + " " + path.replacing(FakeKeycloak.idPattern, with: "{id}") }

        public var description: String {
            summary + (query.isEmpty ? "" : "?" + query) + (body.map { " " + $0.description } ?? "")
        }
    }

    /// A refusal, answered as Keycloak does: `{"errorMessage": …}`, or an OAuth error for the token endpoint.
    struct Refusal: Error {
        let status: HTTPResponse.Status
        let body: Value

        init(_ status: HTTPResponse.Status, _ message: String) {
            self.status = status
            body = ["errorMessage": .string(message)]
        }

        init(_ status: HTTPResponse.Status, error: String, description: String) {
            self.status = status
            body = ["error": .string(error), "error_description": .string(description)]
        }
    }

    /// What a handler gets of a request.
    struct Call: Sendable {
        let parameters: [String: String]
        let query: [String: String]
        let body: Value?
        let form: [String: String]
        /// `http://host:port` as the client addressed the fake.
        let base: String

        func parameter(_ name: String) -> String { parameters[name] ?? "" }
    }

    public private(set) var requests: [RecordedRequest] = []
    let adminUser: String
    let adminPassword: String
    var adminTokens: Set<String> = []
    var realms: [String: StoredRealm] = [:]
    private var lastID = 0

    public init(adminUser: String = "admin", adminPassword: String = "admin") {
        self.adminUser = adminUser
        self.adminPassword = adminPassword
    }

    /// The admin API writes received so far, in order.
    public var adminWrites: [RecordedRequest] { requests.filter(\.isAdminWrite) }

    public func clearRequests() { requests = [] }

    /// Creates a realm from a full representation, as Keycloak's realm import does: a realm that existed before setup ran.
    public func importRealm(_ representation: RealmRepresentation) throws {
        let value = try Value(representation)
        try Representation.realm.check(value)
        try createRealm(value.objectValue ?? [:])
    }

    /// The password a user of `realm` logs in with now.
    public func password(of username: String, in realm: String = "mcp-realm") -> String? {
        realms[realm]?.users.first { $0.fields["username"]?.stringValue == username }?.password
    }

    /// The names of the roles of client `clientId` that a user holds.
    public func clientRoles(of username: String, on clientId: String, in realm: String = "mcp-realm") -> [String] {
        guard let stored = realms[realm], let client = stored.clients.first(where: { $0.clientId == clientId }),
            let user = stored.users.first(where: { $0.fields["username"]?.stringValue == username })
        else { return [] }
        return (user.clientRoles[client.id] ?? []).compactMap { id in client.roles.first { $0.id == id }?.name }
            .sorted()
    }

    /// The stored fields of a realm, client, client scope, user or component, for assertions.
    public func stored(realm: String = "mcp-realm", client clientId: String) -> [String: Value]? {
        realms[realm]?.clients.first { $0.clientId == clientId }?.fields
    }

    public func stored(realm: String = "mcp-realm") -> [String: Value]? { realms[realm]?.settings }

    public func stored(
        realm: String = "mcp-realm", component providerId: String, subType: String = "anonymous"
    ) -> [String: Value]? {
        realms[realm]?.components.first {
            $0["providerId"]?.stringValue == providerId && $0["subType"]?.stringValue == subType
        }
    }

    /// Names of a client's default (or optional) client scopes.
    public func clientScopeNames(
        realm: String = "mcp-realm", client clientId: String, optional: Bool = false
    ) -> [String] {
        guard let stored = realms[realm], let client = stored.clients.first(where: { $0.clientId == clientId }) else {
            return []
        }
        return (optional ? client.optionalScopes : client.defaultScopes).compactMap { stored.scopeName($0) }
    }

    /// Runs the fake on a free 127.0.0.1 port for `body`, which gets its base URL (`http://127.0.0.1:<port>`).
    public nonisolated func withServer<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        // Quiet: a live test that ends while the client's pool keeps a connection open makes the server log an error.
        var logger = Logger(label: "fake-keycloak")
        logger.logLevel = .critical
        let app = Application(
            router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        return try await app.test(.live) { client in
            guard let port = client.port else { throw LiveServerError.noPort }
            return try await body("http://127.0.0.1:\(port)")
        }
    }

    // MARK: Requests

    /// The fake's routes; see ``FakeKeycloak`` for what they answer.
    public nonisolated func router() -> Router<BasicRequestContext> {
        let routes = Routes(router: Router(), fake: self)
        addRoutes(routes)
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            routes.on(method, "**", admin: false) { _, _ in
                throw Refusal(.notFound, error: "HTTP 404 Not Found", description: "")
            }
        }
        return routes.router
    }

    /// Registers handlers that run on the actor, after the request is recorded and, for the admin API, its bearer token checked.
    struct Routes {
        typealias Handler = @Sendable (isolated FakeKeycloak, Call) throws -> Hummingbird.Response

        let router: Router<BasicRequestContext>
        let fake: FakeKeycloak

        func on(_ method: HTTPRequest.Method, _ path: String, admin: Bool = true, _ handler: @escaping Handler) {
            router.on(RouterPath(path), method: method) { [fake] request, context in
                var request = request
                let text = String(buffer: try await request.collectBody(upTo: 4 << 20))
                var parameters: [String: String] = [:]
                for (key, value) in context.parameters { parameters[String(key)] = String(value) }
                var query: [String: String] = [:]
                for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
                let isForm = request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true
                let body = isForm || text.isEmpty ? nil : (try? JSONDecoder().decode(Value.self, from: Data(text.utf8)))
                let call = Call(
                    parameters: parameters, query: query, body: body, form: isForm ? FakeKeycloak.parseForm(text) : [:],
                    base: "http://" + (request.head.authority ?? "localhost"))
                let recorded = RecordedRequest(
                    method: method.rawValue, path: request.uri.path, query: request.uri.query ?? "", body: body)
                return await fake.handle(
                    recorded, call, admin: admin, authorization: request.headers[.authorization], handler)
            }
        }
    }

    private func handle(
        _ recorded: RecordedRequest, _ call: Call, admin: Bool, authorization: String?, _ handler: Routes.Handler
    ) -> Hummingbird.Response {
        requests.append(recorded)
        do {
            if admin {
                guard let authorization, authorization.hasPrefix("Bearer "),
                    adminTokens.contains(String(authorization.dropFirst(7)))
                else {
                    throw Refusal(.unauthorized, error: "HTTP 401 Unauthorized", description: "")
                }
            }
            return try handler(self, call)
        } catch let refusal as Refusal {
            return Self.json(refusal.body, status: refusal.status)
        } catch {
            return Self.json(["errorMessage": .string("\(error)")], status: .internalServerError)
        }
    }

    // MARK: Realm endpoints: admin login, realm info, discovery, password grant

    func token(_ call: Call) throws -> Hummingbird.Response {
        let realmName = call.parameter("realm")
        if realmName == "master" {
            guard call.form["grant_type"] == "password", call.form["client_id"] == "admin-cli" else {
                throw Refusal(
                    .unauthorized, error: "invalid_client", description: "Invalid client or Invalid client credentials")
            }
            guard call.form["username"] == adminUser, call.form["password"] == adminPassword else {
                throw Refusal(.unauthorized, error: "invalid_grant", description: "Invalid user credentials")
            }
            let token = UUID().uuidString
            adminTokens.insert(token)
            return Self.json(["access_token": .string(token), "expires_in": 60, "token_type": "Bearer"])
        }
        guard let stored = realms[realmName] else {
            throw Refusal(.notFound, error: "Realm does not exist", description: "")
        }
        guard call.form["grant_type"] == "password" else {
            throw Refusal(.badRequest, error: "unsupported_grant_type", description: "Unsupported grant_type")
        }
        let model = Realm(try stored.representation())
        guard let client = model.clients[call.form["client_id"] ?? ""] else {
            throw Refusal(
                .unauthorized, error: "invalid_client", description: "Invalid client or Invalid client credentials")
        }
        guard client.isPublic || client.secret == call.form["client_secret"] else {
            throw Refusal(
                .unauthorized, error: "unauthorized_client", description: "Invalid client or Invalid client credentials"
            )
        }
        guard client.grantTypes.contains("password") else {
            throw Refusal(
                .badRequest, error: "unauthorized_client", description: "Client not allowed for direct access grants")
        }
        guard let user = model.users[call.form["username"] ?? ""], user.enabled, let password = user.password,
            password == call.form["password"]
        else { throw Refusal(.unauthorized, error: "invalid_grant", description: "Invalid user credentials") }
        let requested = (call.form["scope"] ?? "").split(separator: " ").map(String.init)
        let grant: Realm.Grant
        do {
            grant = try model.grant(client: client, roles: user.roles, requested: requested, resource: nil)
        } catch {
            throw Refusal(.badRequest, error: "invalid_scope", description: "\(error)")
        }
        let now = Int(Date().timeIntervalSince1970)
        let claims: Value = [
            "iss": .string(call.base + "/realms/" + realmName), "sub": .string(user.id),
            "azp": .string(client.clientID),
            "preferred_username": .string(user.username), "scope": .string(grant.scope.joined(separator: " ")),
            "aud": .array(grant.audience.map { .string($0) }), "iat": .int(now), "exp": .int(now + 300),
        ]
        let token = Self.segment(["alg": "none", "typ": "JWT"]) + "." + Self.segment(claims) + ".fake-signature"
        return Self.json([
            "access_token": .string(token), "token_type": "Bearer", "expires_in": 300,
            "scope": .string(grant.scope.joined(separator: " ")),
        ])
    }

    func realmInfo(_ call: Call) throws -> Hummingbird.Response {
        let name = call.parameter("realm")
        guard name == "master" || realms[name] != nil else {
            throw Refusal(.notFound, error: "Realm does not exist", description: "")
        }
        return Self.json([
            "realm": .string(name), "token-service": .string(call.base + "/realms/\(name)/protocol/openid-connect"),
        ])
    }

    func discovery(_ call: Call) throws -> Hummingbird.Response {
        let name = call.parameter("realm")
        guard realms[name] != nil else { throw Refusal(.notFound, error: "Realm does not exist", description: "") }
        let issuer = call.base + "/realms/" + name
        return Self.json([
            "issuer": .string(issuer), "authorization_endpoint": .string(issuer + "/protocol/openid-connect/auth"),
            "token_endpoint": .string(issuer + "/protocol/openid-connect/token"),
            "jwks_uri": .string(issuer + "/protocol/openid-connect/certs"),
            "code_challenge_methods_supported": ["plain", "S256"],
            "grant_types_supported": [
                "authorization_code", "client_credentials", "implicit", "password", "refresh_token",
            ],
        ])
    }

    // MARK: Helpers

    /// A new id, UUID-shaped as Keycloak's.
    func newID() -> String {
        lastID += 1
        return String(format: "00000000-0000-4000-8000-%012d", lastID)
    }

    nonisolated(unsafe) static let idPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/

    static func json(
        _ value: Value, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) -> Hummingbird.Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        return Hummingbird.Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func created(_ location: String) -> Hummingbird.Response {
        Hummingbird.Response(status: .created, headers: [.location: location])
    }

    static var noContent: Hummingbird.Response { Hummingbird.Response(status: .noContent) }

    static func segment(_ value: Value) -> String {
        ((try? JSONEncoder().encode(value)) ?? Data()).base64URLEncodedString()
    }

    static func parseForm(_ text: String) -> [String: String] {
        var form: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            form[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return form
    }
}
