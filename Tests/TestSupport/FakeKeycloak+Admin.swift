/// The fake Keycloak's admin REST API: realms, client scopes, clients, roles, users, components.
///
/// Introduced in step 9. Paths, status codes, `Location` headers and the
/// defaults a new realm or client gets follow Keycloak 26; objects are kept as
/// the JSON they were sent as (plus the fields Keycloak adds), so a GET
/// answers what a PUT stored.
import Foundation
import Hummingbird
import MCP
import Shared

/// One realm as the fake keeps it: JSON objects by id, and the links between them.
struct StoredRealm: Sendable {
    var settings: [String: Value]
    var clientScopes: [[String: Value]] = []
    /// Ids of the realm's default (`default`) and optional (`optional`) client scopes.
    var scopeLists: [String: [String]] = ["default": [], "optional": []]
    var clients: [StoredClient] = []
    var users: [StoredUser] = []
    var components: [[String: Value]] = []
    /// Client scope id → client id → ids of the roles of that client the scope is mapped to.
    var scopeMappings: [String: [String: [String]]] = [:]

    var id: String { settings["id"]?.stringValue ?? "" }
    var name: String { settings["realm"]?.stringValue ?? "" }

    func scopeName(_ id: String) -> String? { clientScopes.first { $0["id"]?.stringValue == id }?["name"]?.stringValue }
    func scopeID(_ name: String) -> String? {
        clientScopes.first { $0["name"]?.stringValue == name }?["id"]?.stringValue
    }

    /// The realm in realm-file form, for the ``Realm`` model that answers password grants.
    func representation() throws -> RealmRepresentation {
        var mappings: [String: [Value]] = [:]
        for (scopeID, byClient) in scopeMappings.sorted(by: { $0.key < $1.key }) {
            for (clientID, roleIDs) in byClient {
                guard let client = clients.first(where: { $0.id == clientID }), let scope = scopeName(scopeID) else {
                    continue
                }
                let roles = roleIDs.compactMap { id in client.roles.first { $0.id == id }?.name }.map {
                    Value.string($0)
                }
                mappings[client.clientId, default: []].append(["clientScope": .string(scope), "roles": .array(roles)])
            }
        }
        let clientValues: [Value] = clients.map { client in
            var fields = client.fields
            fields["defaultClientScopes"] = .array(client.defaultScopes.compactMap(scopeName).map { .string($0) })
            fields["optionalClientScopes"] = .array(client.optionalScopes.compactMap(scopeName).map { .string($0) })
            return .object(fields)
        }
        let userValues: [Value] = users.map { user in
            var roles: [String: Value] = [:]
            for (clientID, roleIDs) in user.clientRoles {
                guard let client = clients.first(where: { $0.id == clientID }) else { continue }
                roles[client.clientId] = .array(
                    roleIDs.compactMap { id in client.roles.first { $0.id == id }?.name }.map { .string($0) })
            }
            var fields: [String: Value] = [
                "username": user.fields["username"] ?? "", "enabled": user.fields["enabled"] ?? false,
            ]
            if let password = user.password {
                fields["credentials"] = [["type": "password", "value": .string(password)]]
            }
            fields["clientRoles"] = .object(roles)
            return .object(fields)
        }
        let realm: Value = [
            "realm": .string(name), "clientScopes": .array(clientScopes.map { .object($0) }),
            "clientScopeMappings": .object(mappings.mapValues { .array($0) }), "clients": .array(clientValues),
            "users": .array(userValues),
        ]
        return try JSONDecoder().decode(RealmRepresentation.self, from: JSONEncoder().encode(realm))
    }
}

struct StoredClient: Sendable {
    var fields: [String: Value]
    var roles: [StoredRole] = []
    var defaultScopes: [String] = []
    var optionalScopes: [String] = []

    var id: String { fields["id"]?.stringValue ?? "" }
    var clientId: String { fields["clientId"]?.stringValue ?? "" }
}

struct StoredRole: Sendable {
    var id: String
    var name: String
    var description: String?
    var containerID: String

    var value: Value {
        var fields: [String: Value] = [
            "id": .string(id), "name": .string(name), "composite": false, "clientRole": true,
            "containerId": .string(containerID),
        ]
        if let description { fields["description"] = .string(description) }
        return .object(fields)
    }
}

struct StoredUser: Sendable {
    var fields: [String: Value]
    var password: String?
    /// Client id → ids of that client's roles the user holds.
    var clientRoles: [String: [String]] = [:]

    var id: String { fields["id"]?.stringValue ?? "" }
}

extension FakeKeycloak {
    nonisolated func addRoutes(_ routes: Routes) {
        routes.on(.post, "/realms/:realm/protocol/openid-connect/token", admin: false) { try $0.token($1) }
        routes.on(.get, "/realms/:realm", admin: false) { try $0.realmInfo($1) }
        routes.on(.get, "/realms/:realm/.well-known/openid-configuration", admin: false) { try $0.discovery($1) }

        let realm = "/admin/realms/:realm"
        routes.on(.post, "/admin/realms") { fake, call in
            try fake.createRealm(try Self.body(call, as: .realm))
            return Self.created(call.base + "/admin/realms/" + (call.body?["realm"]?.stringValue ?? ""))
        }
        routes.on(.get, realm) { fake, call in Self.json(.object(try fake.realm(call).settings)) }
        routes.on(.put, realm) { try $0.updateRealm($1) }

        routes.on(.get, realm + "/client-scopes") { fake, call in
            Self.json(.array(try fake.realm(call).clientScopes.map { .object($0) }))
        }
        routes.on(.post, realm + "/client-scopes") { try $0.createClientScope($1) }
        routes.on(.put, realm + "/client-scopes/:id") { try $0.updateClientScope($1) }
        routes.on(.get, realm + "/client-scopes/:id/protocol-mappers/models") { fake, call in
            Self.json(try fake.clientScope(call)["protocolMappers"] ?? [])
        }
        routes.on(.post, realm + "/client-scopes/:id/protocol-mappers/models") { try $0.createProtocolMapper($1) }
        routes.on(.put, realm + "/client-scopes/:id/protocol-mappers/models/:mapper") {
            try $0.updateProtocolMapper($1)
        }
        routes.on(.get, realm + "/client-scopes/:id/scope-mappings/clients/:client") { try $0.scopeMappings($1) }
        routes.on(.post, realm + "/client-scopes/:id/scope-mappings/clients/:client") {
            try $0.changeScopeMappings($1, add: true)
        }
        routes.on(.delete, realm + "/client-scopes/:id/scope-mappings/clients/:client") {
            try $0.changeScopeMappings($1, add: false)
        }

        for kind in ["default", "optional"] {
            for (list, client) in [
                ("/default-\(kind)-client-scopes", false), ("/clients/:id/\(kind)-client-scopes", true),
            ] {
                routes.on(.get, realm + list) { try $0.scopeList($1, kind: kind, client: client) }
                routes.on(.put, realm + list + "/:scope") {
                    try $0.changeScopeList($1, kind: kind, client: client, add: true)
                }
                routes.on(.delete, realm + list + "/:scope") {
                    try $0.changeScopeList($1, kind: kind, client: client, add: false)
                }
            }
        }

        routes.on(.get, realm + "/clients") { try $0.clients($1) }
        routes.on(.post, realm + "/clients") { try $0.createClient($1) }
        routes.on(.put, realm + "/clients/:id") { try $0.updateClient($1) }
        routes.on(.get, realm + "/clients/:id/client-secret") { fake, call in
            Self.json(["type": "secret", "value": try fake.client(call).fields["secret"] ?? .null])
        }
        routes.on(.get, realm + "/clients/:id/roles") { fake, call in
            Self.json(.array(try fake.client(call).roles.map(\.value)))
        }
        routes.on(.post, realm + "/clients/:id/roles") { try $0.createClientRole($1) }
        routes.on(.put, realm + "/clients/:id/roles/:role") { try $0.updateClientRole($1) }

        routes.on(.get, realm + "/users") { try $0.users($1) }
        routes.on(.post, realm + "/users") { try $0.createUser($1) }
        routes.on(.put, realm + "/users/:id") { try $0.updateUser($1) }
        routes.on(.put, realm + "/users/:id/reset-password") { try $0.resetPassword($1) }
        routes.on(.get, realm + "/users/:id/role-mappings/clients/:client") { try $0.userRoles($1) }
        routes.on(.post, realm + "/users/:id/role-mappings/clients/:client") { try $0.changeUserRoles($1, add: true) }
        routes.on(.delete, realm + "/users/:id/role-mappings/clients/:client") {
            try $0.changeUserRoles($1, add: false)
        }

        routes.on(.get, realm + "/components") { try $0.components($1) }
        routes.on(.post, realm + "/components") { try $0.createComponent($1) }
        routes.on(.put, realm + "/components/:id") { try $0.updateComponent($1) }
    }

    // MARK: Realms

    /// Creates a realm from its representation: the settings it gives, and its scopes, clients, roles, users and
    /// components, or Keycloak's built-in scopes and registration policies where it gives none.
    func createRealm(_ representation: [String: Value]) throws {
        guard let name = representation["realm"]?.stringValue, !name.isEmpty else {
            throw Refusal(.badRequest, "Realm name cannot be empty")
        }
        guard name != "master", realms[name] == nil else {
            throw Refusal(.conflict, "Conflict detected. See logs for details")
        }
        var settings: [String: Value] = [
            "id": .string(newID()), "enabled": false, "accessTokenLifespan": 300, "ssoSessionIdleTimeout": 1800,
            "sslRequired": "external",
            "registrationAllowed": false,
        ]
        for (key, value) in representation where !Self.importedCollections.contains(key) { settings[key] = value }
        var realm = StoredRealm(settings: settings)

        for scope in representation["clientScopes"]?.arrayValue ?? Self.builtInClientScopes {
            realm.clientScopes.append(withIDs(scope.objectValue ?? [:]))
        }
        let defaults =
            representation["defaultDefaultClientScopes"]?.arrayValue?.compactMap(\.stringValue)
            ?? Self.builtInDefaultScopes
        let optionals =
            representation["defaultOptionalClientScopes"]?.arrayValue?.compactMap(\.stringValue)
            ?? Self.builtInOptionalScopes
        realm.scopeLists = [
            "default": defaults.compactMap(realm.scopeID), "optional": optionals.compactMap(realm.scopeID),
        ]

        for client in representation["clients"]?.arrayValue ?? [] {
            try addClient(client.objectValue ?? [:], to: &realm)
        }
        for (clientId, roles) in representation["roles"]?["client"]?.objectValue ?? [:] {
            guard let index = realm.clients.firstIndex(where: { $0.clientId == clientId }) else { continue }
            for role in roles.arrayValue ?? [] {
                let containerID = realm.clients[index].id
                realm.clients[index].roles.append(
                    StoredRole(
                        id: newID(), name: role["name"]?.stringValue ?? "",
                        description: role["description"]?.stringValue, containerID: containerID))
            }
        }
        for (clientId, mappings) in representation["clientScopeMappings"]?.objectValue ?? [:] {
            guard let client = realm.clients.first(where: { $0.clientId == clientId }) else { continue }
            for mapping in mappings.arrayValue ?? [] {
                guard let scopeID = realm.scopeID(mapping["clientScope"]?.stringValue ?? "") else { continue }
                let roleIDs = (mapping["roles"]?.arrayValue ?? []).compactMap { name in
                    client.roles.first { $0.name == name.stringValue }?.id
                }
                realm.scopeMappings[scopeID, default: [:]][client.id, default: []] += roleIDs
            }
        }
        for user in representation["users"]?.arrayValue ?? [] {
            var stored = newUser(user.objectValue ?? [:])
            for (clientId, names) in user["clientRoles"]?.objectValue ?? [:] {
                guard let client = realm.clients.first(where: { $0.clientId == clientId }) else { continue }
                stored.clientRoles[client.id] = (names.arrayValue ?? []).compactMap { name in
                    client.roles.first { $0.name == name.stringValue }?.id
                }
            }
            realm.users.append(stored)
        }
        let given = representation["components"]?.objectValue ?? [:]
        for (type, components) in Self.builtInComponents.merging(given, uniquingKeysWith: { _, given in given }) {
            for component in components.arrayValue ?? [] {
                var fields = component.objectValue ?? [:]
                fields["id"] = .string(newID())
                fields["providerType"] = .string(type)
                fields["parentId"] = .string(realm.id)
                realm.components.append(fields)
            }
        }
        realms[name] = realm
    }

    func realm(_ call: Call) throws -> StoredRealm {
        guard let realm = realms[call.parameter("realm")] else {
            throw Refusal(.notFound, error: "Realm not found.", description: "")
        }
        return realm
    }

    /// Applies `change` to the realm of the call.
    func change<T>(_ call: Call, _ change: (inout StoredRealm) throws -> T) throws -> T {
        var realm = try realm(call)
        let result = try change(&realm)
        realms[realm.name] = realm
        return result
    }

    func updateRealm(_ call: Call) throws -> Hummingbird.Response {
        let update = try Self.body(call, as: .realm)
        try change(call) { realm in
            realm.settings = Self.merged(realm.settings, update.filter { $0.key != "id" && $0.key != "realm" })
        }
        return Self.noContent
    }

    // MARK: Client scopes

    func clientScope(_ call: Call) throws -> [String: Value] {
        guard let scope = try realm(call).clientScopes.first(where: { $0["id"]?.stringValue == call.parameter("id") })
        else {
            throw Refusal(.notFound, "Could not find client scope")
        }
        return scope
    }

    func createClientScope(_ call: Call) throws -> Hummingbird.Response {
        let scope = try Self.body(call, as: .clientScope)
        let stored = withIDs(scope)
        try change(call) { realm in
            guard realm.scopeID(scope["name"]?.stringValue ?? "") == nil else {
                throw Refusal(.conflict, "Client Scope \(scope["name"]?.stringValue ?? "") already exists")
            }
            realm.clientScopes.append(stored)
        }
        return Self.created(
            call.base + "/admin/realms/\(call.parameter("realm"))/client-scopes/\(stored["id"]?.stringValue ?? "")")
    }

    func updateClientScope(_ call: Call) throws -> Hummingbird.Response {
        let update = try Self.body(call, as: .clientScope).filter { $0.key != "id" && $0.key != "protocolMappers" }
        _ = try clientScope(call)
        try change(call) { realm in
            let index = realm.clientScopes.firstIndex { $0["id"]?.stringValue == call.parameter("id") }!
            realm.clientScopes[index] = Self.merged(realm.clientScopes[index], update)
        }
        return Self.noContent
    }

    func createProtocolMapper(_ call: Call) throws -> Hummingbird.Response {
        var mapper = try Self.body(call, as: .protocolMapper)
        let id = newID()
        mapper["id"] = .string(id)
        _ = try clientScope(call)
        try change(call) { realm in
            let index = realm.clientScopes.firstIndex { $0["id"]?.stringValue == call.parameter("id") }!
            var mappers = realm.clientScopes[index]["protocolMappers"]?.arrayValue ?? []
            guard !mappers.contains(where: { $0["name"] == mapper["name"] }) else {
                throw Refusal(.conflict, "Protocol mapper exists with same name")
            }
            mappers.append(.object(mapper))
            realm.clientScopes[index]["protocolMappers"] = .array(mappers)
        }
        let scope = "/admin/realms/\(call.parameter("realm"))/client-scopes/\(call.parameter("id"))"
        return Self.created(call.base + scope + "/protocol-mappers/models/\(id)")
    }

    func updateProtocolMapper(_ call: Call) throws -> Hummingbird.Response {
        var mapper = try Self.body(call, as: .protocolMapper)
        mapper["id"] = .string(call.parameter("mapper"))
        _ = try clientScope(call)
        try change(call) { realm in
            let index = realm.clientScopes.firstIndex { $0["id"]?.stringValue == call.parameter("id") }!
            var mappers = realm.clientScopes[index]["protocolMappers"]?.arrayValue ?? []
            guard let at = mappers.firstIndex(where: { $0["id"]?.stringValue == call.parameter("mapper") }) else {
                throw Refusal(.notFound, "Model not found")
            }
            mappers[at] = .object(mapper)
            realm.clientScopes[index]["protocolMappers"] = .array(mappers)
        }
        return Self.noContent
    }

    func scopeMappings(_ call: Call) throws -> Hummingbird.Response {
        let realm = try realm(call)
        _ = try clientScope(call)
        let client = try client(call, parameter: "client")
        let ids = realm.scopeMappings[call.parameter("id")]?[client.id] ?? []
        return Self.json(.array(client.roles.filter { ids.contains($0.id) }.map(\.value)))
    }

    func changeScopeMappings(_ call: Call, add: Bool) throws -> Hummingbird.Response {
        _ = try clientScope(call)
        let client = try client(call, parameter: "client")
        let ids = try roleIDs(call, of: client)
        try change(call) { realm in
            var current = realm.scopeMappings[call.parameter("id")]?[client.id] ?? []
            current = add ? current + ids.filter { !current.contains($0) } : current.filter { !ids.contains($0) }
            realm.scopeMappings[call.parameter("id"), default: [:]][client.id] = current
        }
        return Self.noContent
    }

    // MARK: Default client scopes (of the realm, or of a client)

    func scopeList(_ call: Call, kind: String, client isClient: Bool) throws -> Hummingbird.Response {
        let realm = try realm(call)
        let ids: [String]
        if isClient {
            let client = try client(call)
            ids = kind == "default" ? client.defaultScopes : client.optionalScopes
        } else {
            ids = realm.scopeLists[kind] ?? []
        }
        return Self.json(.array(ids.map { ["id": .string($0), "name": .string(realm.scopeName($0) ?? "")] }))
    }

    /// Adds or removes a scope; adding one that is in the other list is a conflict, as in Keycloak's database.
    func changeScopeList(_ call: Call, kind: String, client isClient: Bool, add: Bool) throws -> Hummingbird.Response {
        let scopeID = call.parameter("scope")
        guard try realm(call).scopeName(scopeID) != nil else { throw Refusal(.notFound, "Client scope not found") }
        let other = kind == "default" ? "optional" : "default"
        func apply(_ lists: inout [String: [String]]) throws {
            if add {
                guard !(lists[other] ?? []).contains(scopeID) else {
                    throw Refusal(.conflict, "Client scope already linked as \(other)")
                }
                if !(lists[kind] ?? []).contains(scopeID) { lists[kind, default: []].append(scopeID) }
            } else {
                lists[kind]?.removeAll { $0 == scopeID }
            }
        }
        if isClient {
            let index = try clientIndex(call)
            try change(call) { realm in
                var lists = [
                    "default": realm.clients[index].defaultScopes, "optional": realm.clients[index].optionalScopes,
                ]
                try apply(&lists)
                realm.clients[index].defaultScopes = lists["default"] ?? []
                realm.clients[index].optionalScopes = lists["optional"] ?? []
            }
        } else {
            try change(call) { realm in try apply(&realm.scopeLists) }
        }
        return Self.noContent
    }

    // MARK: Clients and roles

    func client(_ call: Call, parameter: String = "id") throws -> StoredClient {
        guard let client = try realm(call).clients.first(where: { $0.id == call.parameter(parameter) }) else {
            throw Refusal(.notFound, "Could not find client")
        }
        return client
    }

    func clientIndex(_ call: Call) throws -> Int {
        guard let index = try realm(call).clients.firstIndex(where: { $0.id == call.parameter("id") }) else {
            throw Refusal(.notFound, "Could not find client")
        }
        return index
    }

    func clients(_ call: Call) throws -> Hummingbird.Response {
        let realm = try realm(call)
        let clients = realm.clients.filter { call.query["clientId"] == nil || $0.clientId == call.query["clientId"] }
        return Self.json(
            .array(
                clients.map { client in
                    var fields = client.fields
                    fields["defaultClientScopes"] = .array(
                        client.defaultScopes.compactMap(realm.scopeName).map { .string($0) })
                    fields["optionalClientScopes"] = .array(
                        client.optionalScopes.compactMap(realm.scopeName).map { .string($0) })
                    return .object(fields)
                }))
    }

    func createClient(_ call: Call) throws -> Hummingbird.Response {
        let body = try Self.body(call, as: .client)
        var realm = try realm(call)
        try addClient(body, to: &realm)
        realms[realm.name] = realm
        return Self.created(call.base + "/admin/realms/\(realm.name)/clients/\(realm.clients.last!.id)")
    }

    /// A new client: Keycloak's defaults, a generated secret if confidential, and the realm's default client scopes unless it names its own.
    func addClient(_ body: [String: Value], to realm: inout StoredRealm) throws {
        guard let clientId = body["clientId"]?.stringValue, !clientId.isEmpty else {
            throw Refusal(.badRequest, "clientId is required")
        }
        guard !realm.clients.contains(where: { $0.clientId == clientId }) else {
            throw Refusal(.conflict, "Client \(clientId) already exists")
        }
        var fields: [String: Value] = [
            "id": .string(newID()), "surrogateAuthRequired": false, "enabled": true, "bearerOnly": false,
            "consentRequired": false,
            "standardFlowEnabled": true, "implicitFlowEnabled": false, "directAccessGrantsEnabled": false,
            "serviceAccountsEnabled": false,
            "publicClient": false, "frontchannelLogout": true, "protocol": "openid-connect", "fullScopeAllowed": true,
            "redirectUris": [],
            "webOrigins": [], "clientAuthenticatorType": "client-secret",
            "attributes": ["backchannel.logout.session.required": "true", "post.logout.redirect.uris": "+"],
        ]
        fields = Self.merged(
            fields, body.filter { !["id", "defaultClientScopes", "optionalClientScopes"].contains($0.key) })
        if fields["publicClient"] == false, fields["secret"] == nil { fields["secret"] = .string(UUID().uuidString) }
        if fields["publicClient"] == true { fields["secret"] = nil }
        func scopes(_ field: String, else list: String) -> [String] {
            body[field]?.arrayValue?.compactMap(\.stringValue).compactMap(realm.scopeID) ?? realm.scopeLists[list] ?? []
        }
        let defaults = scopes("defaultClientScopes", else: "default")
        let optionals = scopes("optionalClientScopes", else: "optional")
        realm.clients.append(StoredClient(fields: fields, defaultScopes: defaults, optionalScopes: optionals))
    }

    func updateClient(_ call: Call) throws -> Hummingbird.Response {
        let update = try Self.body(call, as: .client).filter {
            !["id", "defaultClientScopes", "optionalClientScopes"].contains($0.key)
        }
        let index = try clientIndex(call)
        try change(call) { realm in realm.clients[index].fields = Self.merged(realm.clients[index].fields, update) }
        return Self.noContent
    }

    func createClientRole(_ call: Call) throws -> Hummingbird.Response {
        let role = try Self.body(call, as: .role)
        let index = try clientIndex(call)
        let name = role["name"]?.stringValue ?? ""
        let id = newID()
        try change(call) { realm in
            guard !realm.clients[index].roles.contains(where: { $0.name == name }) else {
                throw Refusal(.conflict, "Role with name \(name) already exists")
            }
            realm.clients[index].roles.append(
                StoredRole(
                    id: id, name: name, description: role["description"]?.stringValue,
                    containerID: realm.clients[index].id))
        }
        return Self.created(
            call.base + "/admin/realms/\(call.parameter("realm"))/clients/\(call.parameter("id"))/roles/\(name)")
    }

    func updateClientRole(_ call: Call) throws -> Hummingbird.Response {
        let role = try Self.body(call, as: .role)
        let index = try clientIndex(call)
        try change(call) { realm in
            guard let at = realm.clients[index].roles.firstIndex(where: { $0.name == call.parameter("role") }) else {
                throw Refusal(.notFound, "Could not find role")
            }
            if let description = role["description"]?.stringValue {
                realm.clients[index].roles[at].description = description
            }
        }
        return Self.noContent
    }

    /// The ids of the roles of `client` in a role-list body; each must name one by id.
    func roleIDs(_ call: Call, of client: StoredClient) throws -> [String] {
        guard case .array(let roles) = try Self.bodyValue(call, as: .role) else {
            throw Refusal(.badRequest, "Expected a list of roles")
        }
        return try roles.map { role in
            guard let id = role["id"]?.stringValue, client.roles.contains(where: { $0.id == id }) else {
                throw Refusal(.notFound, "Role not found")
            }
            return id
        }
    }

    // MARK: Users

    func newUser(_ body: [String: Value]) -> StoredUser {
        var fields: [String: Value] = [
            "id": .string(newID()), "createdTimestamp": .int(Int(Date().timeIntervalSince1970 * 1000)),
            "enabled": false,
            "emailVerified": false, "totp": false,
        ]
        fields = Self.merged(fields, body.filter { !["id", "credentials", "clientRoles"].contains($0.key) })
        let password = body["credentials"]?.arrayValue?.first { $0["type"]?.stringValue == "password" }?["value"]?
            .stringValue
        return StoredUser(fields: fields, password: password)
    }

    func user(_ call: Call) throws -> Int {
        guard let index = try realm(call).users.firstIndex(where: { $0.id == call.parameter("id") }) else {
            throw Refusal(.notFound, "User not found")
        }
        return index
    }

    func users(_ call: Call) throws -> Hummingbird.Response {
        let wanted = call.query["username"]
        let exact = call.query["exact"] == "true"
        let users = try realm(call).users.filter { user in
            guard let wanted, let username = user.fields["username"]?.stringValue else { return true }
            return exact ? username == wanted : username.contains(wanted)
        }
        return Self.json(.array(users.map { .object($0.fields) }))
    }

    func createUser(_ call: Call) throws -> Hummingbird.Response {
        let body = try Self.body(call, as: .user)
        let user = newUser(body)
        try change(call) { realm in
            guard !realm.users.contains(where: { $0.fields["username"] == body["username"] }) else {
                throw Refusal(.conflict, "User exists with same username")
            }
            realm.users.append(user)
        }
        return Self.created(call.base + "/admin/realms/\(call.parameter("realm"))/users/\(user.id)")
    }

    func updateUser(_ call: Call) throws -> Hummingbird.Response {
        let body = try Self.body(call, as: .user)
        let index = try user(call)
        try change(call) { realm in
            realm.users[index].fields = Self.merged(
                realm.users[index].fields, body.filter { !["id", "credentials", "clientRoles"].contains($0.key) })
            if let password = body["credentials"]?.arrayValue?.first?["value"]?.stringValue {
                realm.users[index].password = password
            }
        }
        return Self.noContent
    }

    func resetPassword(_ call: Call) throws -> Hummingbird.Response {
        let credential = try Self.body(call, as: .credential)
        let index = try user(call)
        try change(call) { realm in realm.users[index].password = credential["value"]?.stringValue }
        return Self.noContent
    }

    func userRoles(_ call: Call) throws -> Hummingbird.Response {
        let user = try realm(call).users[try self.user(call)]
        let client = try client(call, parameter: "client")
        let ids = user.clientRoles[client.id] ?? []
        return Self.json(.array(client.roles.filter { ids.contains($0.id) }.map(\.value)))
    }

    func changeUserRoles(_ call: Call, add: Bool) throws -> Hummingbird.Response {
        let index = try user(call)
        let client = try client(call, parameter: "client")
        let ids = try roleIDs(call, of: client)
        try change(call) { realm in
            let current = realm.users[index].clientRoles[client.id] ?? []
            realm.users[index].clientRoles[client.id] =
                add ? current + ids.filter { !current.contains($0) } : current.filter { !ids.contains($0) }
        }
        return Self.noContent
    }

    // MARK: Components

    func components(_ call: Call) throws -> Hummingbird.Response {
        let components = try realm(call).components.filter {
            call.query["type"] == nil || $0["providerType"]?.stringValue == call.query["type"]
        }
        return Self.json(.array(components.map { .object($0) }))
    }

    func createComponent(_ call: Call) throws -> Hummingbird.Response {
        var component = try Self.body(call, as: .component)
        let id = newID()
        component["id"] = .string(id)
        try change(call) { realm in
            if component["parentId"] == nil { component["parentId"] = .string(realm.id) }
            realm.components.append(component)
        }
        return Self.created(call.base + "/admin/realms/\(call.parameter("realm"))/components/\(id)")
    }

    /// Keycloak's component update: given fields replace, each given `config` key replaces that key, an empty one removes it.
    func updateComponent(_ call: Call) throws -> Hummingbird.Response {
        let update = try Self.body(call, as: .component)
        try change(call) { realm in
            guard let index = realm.components.firstIndex(where: { $0["id"]?.stringValue == call.parameter("id") })
            else {
                throw Refusal(.notFound, "Could not find component")
            }
            var config = realm.components[index]["config"]?.objectValue ?? [:]
            for (key, value) in update["config"]?.objectValue ?? [:] {
                config[key] = (value.arrayValue ?? []).isEmpty ? nil : value
            }
            for (key, value) in update where key != "id" && key != "config" { realm.components[index][key] = value }
            realm.components[index]["config"] = .object(config)
        }
        return Self.noContent
    }

    // MARK: Helpers

    /// The JSON object body of the call, checked against `representation`.
    static func body(_ call: Call, as representation: Representation) throws -> [String: Value] {
        guard case .object(let object) = try bodyValue(call, as: representation) else {
            throw Refusal(.badRequest, "Cannot deserialize \(representation.rawValue) from a non-object")
        }
        return object
    }

    static func bodyValue(_ call: Call, as representation: Representation) throws -> Value {
        guard let body = call.body else { throw Refusal(.badRequest, "A \(representation.rawValue) body is required") }
        try representation.check(body)
        return body
    }

    /// `stored` with `update`'s fields; `attributes` and `config` maps are merged key by key, as Keycloak updates them.
    static func merged(_ stored: [String: Value], _ update: [String: Value]) -> [String: Value] {
        var result = stored
        for (key, value) in update {
            if ["attributes", "config"].contains(key), case .object(let old) = stored[key],
                case .object(let new) = value
            {
                result[key] = .object(old.merging(new) { _, new in new })
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// A client scope with ids for itself and its mappers.
    func withIDs(_ scope: [String: Value]) -> [String: Value] {
        var scope = scope
        scope["id"] = .string(newID())
        if let mappers = scope["protocolMappers"]?.arrayValue {
            scope["protocolMappers"] = .array(
                mappers.map { mapper in
                    var fields = mapper.objectValue ?? [:]
                    fields["id"] = .string(newID())
                    return .object(fields)
                })
        }
        return scope
    }

    /// Fields of an imported realm representation that are not settings.
    static let importedCollections: Set<String> = [
        "clientScopes", "defaultDefaultClientScopes", "defaultOptionalClientScopes", "clients", "roles",
        "clientScopeMappings", "users",
        "components", "scopeMappings", "groups", "identityProviders", "authenticationFlows",
    ]
}
