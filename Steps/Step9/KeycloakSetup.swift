/// `step9 setup`: makes a running Keycloak hold the realm of the realm file, and checks it does.
///
/// Introduced in step 9. It reads before it writes: for each object the file
/// describes it looks the object up in Keycloak, creates it if missing,
/// updates it if a field the file sets differs (``Drift``), and otherwise
/// leaves it alone, so a second run sends no write at all and says
/// "nothing to change". In order, since each needs the ones before:
///
/// 1. the realm (`POST /admin/realms` with its name and settings; Keycloak then
///    adds its built-in client scopes, `profile` and `email` among them, and
///    its default client-registration policies, which are updated, not duplicated);
/// 2. client scopes and their protocol mappers;
/// 3. the realm's default and optional client scopes;
/// 4. clients, with their own default and optional client scopes;
/// 5. client roles, and the role scope mappings that grant each `mcp:*` scope
///    only to holders of its role;
/// 6. users and their client roles. A password is set only when the user is
///    created: an existing user's password is never overwritten;
/// 7. the anonymous client-registration policies (trusted hosts, allowed client scopes).
///
/// Lists are completed, not replaced: a scope in the wrong list is moved and
/// a role the file does not give is taken away, but scopes Keycloak adds of its
/// own (`basic`, which carries `sub`, `roles`, `acr`, `web-origins`, …) stay.
///
/// Then it verifies what a client will see (discovery names the right issuer
/// and offers PKCE S256; each user's password grant gets exactly the `mcp:*`
/// scopes the user's roles allow), prints one line per object and ready-to-paste
/// curl commands for tokens. It prints no admin password and no secret the
/// realm file does not publish.
///
/// Throws ``KeycloakAdminError`` when Keycloak cannot be reached or refuses a
/// request, and ``KeycloakSetupError`` when the file is inconsistent or a check fails.
import AsyncHTTPClient
import Foundation
import Shared

struct KeycloakSetup: Sendable {
    let options: KeycloakOptions
    let realm: RealmRepresentation
    let httpClient: HTTPClient
    let output: @Sendable (String) -> Void

    init(
        options: KeycloakOptions, realm: RealmRepresentation, httpClient: HTTPClient = .shared,
        output: @escaping @Sendable (String) -> Void = { print($0) }
    ) {
        self.options = options
        self.realm = realm
        self.httpClient = httpClient
        self.output = output
    }

    /// What setup did to one object.
    struct Change: Sendable, Equatable {
        enum Outcome: Sendable, Equatable {
            case created
            /// What differed: field names, or the scopes and roles added, moved or removed.
            case updated(String)
            case unchanged
        }

        let item: String
        let outcome: Outcome
    }

    /// One verification: what was checked, whether it held, and what was seen.
    struct Check: Sendable, Equatable {
        let name: String
        let passed: Bool
        let detail: String
    }

    struct Report: Sendable {
        let changes: [Change]
        let checks: [Check]

        var changedNothing: Bool { changes.allSatisfy { $0.outcome == .unchanged } }
    }

    /// Configures the realm, verifies it and prints the summary.
    ///
    /// - Throws: ``KeycloakSetupError/verificationFailed(_:)`` after printing, when a check fails.
    @discardableResult
    func run() async throws -> Report {
        let admin = KeycloakAdmin(
            url: options.keycloakURL, realm: realm.realm, user: options.resolvedAdminUser,
            password: options.resolvedAdminPassword,
            httpClient: httpClient)
        guard await KeycloakAdmin.isReachable(options.keycloakURL, httpClient: httpClient) else {
            throw KeycloakAdminError.unreachable(
                url: options.keycloakURL, reason: "GET /realms/master did not answer 200 within 2 s")
        }
        output("Keycloak \(options.keycloakURL), realm \(realm.realm):")
        var changes: [Change] = []
        func record(_ change: Change) {
            changes.append(change)
            output("  " + Self.line(change))
        }

        let realmID = try await applyRealm(admin, record)
        let scopeIDs = try await applyClientScopes(admin, record)
        try await applyRealmScopeLists(admin, scopeIDs: scopeIDs, record)
        let clientIDs = try await applyClients(admin, scopeIDs: scopeIDs, record)
        let roles = try await applyClientRoles(admin, clientIDs: clientIDs, record)
        try await applyScopeMappings(admin, scopeIDs: scopeIDs, clientIDs: clientIDs, roles: roles, record)
        try await applyUsers(admin, clientIDs: clientIDs, roles: roles, record)
        try await applyRegistrationPolicies(admin, realmID: realmID, record)
        if changes.allSatisfy({ $0.outcome == .unchanged }) { output("nothing to change") }

        let checks = await verify()
        output("Checks:")
        for check in checks { output("  " + (check.passed ? "ok    " : "FAIL  ") + check.name + ": " + check.detail) }
        output("Tokens (paste into a shell):")
        for command in tokenCommands() { output("  " + command) }
        let failures = checks.filter { !$0.passed }
        if !failures.isEmpty {
            throw KeycloakSetupError.verificationFailed(failures.map { $0.name + ": " + $0.detail })
        }
        return Report(changes: changes, checks: checks)
    }

    static func line(_ change: Change) -> String {
        switch change.outcome {
        case .created: "created    " + change.item
        case .updated(let what): "updated    " + change.item + " (" + what + ")"
        case .unchanged: "unchanged  " + change.item
        }
    }

    typealias Record = (Change) -> Void
    typealias Role = KeycloakAdmin.Identified<RoleRepresentation>

    // MARK: Realm and client scopes

    /// Creates or updates the realm; returns its id.
    private func applyRealm(_ admin: KeycloakAdmin, _ record: Record) async throws -> String {
        let wanted = KeycloakAdmin.RealmSettings(realm)
        let item = "realm \(realm.realm)"
        if let existing = try await admin.realmSettings() {
            let drift = Drift.fields(wanted: wanted, actual: existing.representation)
            if !drift.isEmpty { try await admin.updateRealm(wanted) }
            record(Change(item: item, outcome: drift.isEmpty ? .unchanged : .updated(drift.joined(separator: ", "))))
            return existing.id
        }
        try await admin.createRealm(wanted)
        record(Change(item: item, outcome: .created))
        guard let created = try await admin.realmSettings() else {
            throw KeycloakAdminError.unexpectedResponse(
                method: "GET", path: "/admin/realms/\(realm.realm)", detail: "the new realm is not there")
        }
        return created.id
    }

    /// Creates or updates the file's client scopes and their mappers; returns the ids of all scopes, by name.
    private func applyClientScopes(_ admin: KeycloakAdmin, _ record: Record) async throws -> [String: String] {
        let existing = try await admin.clientScopes()
        var ids = Dictionary(existing.map { ($0.representation.name, $0.id) }, uniquingKeysWith: { first, _ in first })
        for scope in realm.clientScopes ?? [] {
            let item = "client scope \(scope.name)"
            guard let current = existing.first(where: { $0.representation.name == scope.name }) else {
                ids[scope.name] = try await admin.createClientScope(scope)
                record(Change(item: item, outcome: .created))
                continue
            }
            var wanted = scope
            var actual = current.representation
            wanted.protocolMappers = nil
            actual.protocolMappers = nil
            var differences = Drift.fields(wanted: wanted, actual: actual)
            if !differences.isEmpty { try await admin.updateClientScope(id: current.id, wanted) }
            if let mappers = scope.protocolMappers, !mappers.isEmpty {
                let currentMappers = try await admin.protocolMappers(clientScope: current.id)
                for mapper in mappers {
                    if let currentMapper = currentMappers.first(where: { $0.representation.name == mapper.name }) {
                        let drift = Drift.fields(wanted: mapper, actual: currentMapper.representation)
                        guard !drift.isEmpty else { continue }
                        try await admin.updateProtocolMapper(id: currentMapper.id, mapper, clientScope: current.id)
                        differences.append("mapper \(mapper.name): " + drift.joined(separator: ", "))
                    } else {
                        try await admin.createProtocolMapper(mapper, clientScope: current.id)
                        differences.append("mapper \(mapper.name) added")
                    }
                }
            }
            record(
                Change(
                    item: item,
                    outcome: differences.isEmpty ? .unchanged : .updated(differences.joined(separator: "; "))))
        }
        return ids
    }

    private func applyRealmScopeLists(_ admin: KeycloakAdmin, scopeIDs: [String: String], _ record: Record) async throws
    {
        var wanted: [KeycloakAdmin.ScopeKind: [String]] = [:]
        wanted[.default] = realm.defaultDefaultClientScopes
        wanted[.optional] = realm.defaultOptionalClientScopes
        guard wanted.values.contains(where: { !$0.isEmpty }) else { return }
        var current: [KeycloakAdmin.ScopeKind: [String]] = [:]
        for kind in KeycloakAdmin.ScopeKind.allCases {
            current[kind] = try await admin.realmClientScopes(kind).map(\.name)
        }
        let changes = try await completeScopeLists(
            wanted: wanted, current: current, scopeIDs: scopeIDs, owner: "realm \(realm.realm)",
            add: { try await admin.addRealmClientScope($0, id: $1) },
            remove: { try await admin.removeRealmClientScope($0, id: $1) })
        record(
            Change(
                item: "realm default and optional client scopes",
                outcome: changes.isEmpty ? .unchanged : .updated(changes)))
    }

    /// Adds each wanted scope to its list, moving it out of the other list first; returns what was done, or "".
    private func completeScopeLists(
        wanted: [KeycloakAdmin.ScopeKind: [String]], current: [KeycloakAdmin.ScopeKind: [String]],
        scopeIDs: [String: String], owner: String,
        add: (KeycloakAdmin.ScopeKind, String) async throws -> Void,
        remove: (KeycloakAdmin.ScopeKind, String) async throws -> Void
    ) async throws -> String {
        var notes: [String] = []
        for kind in KeycloakAdmin.ScopeKind.allCases {
            let other: KeycloakAdmin.ScopeKind = kind == .default ? .optional : .default
            var added: [String] = []
            var moved: [String] = []
            for name in wanted[kind] ?? [] where !(current[kind] ?? []).contains(name) {
                guard let id = scopeIDs[name] else { throw KeycloakSetupError.unknownClientScope(name, usedBy: owner) }
                if (current[other] ?? []).contains(name) {
                    try await remove(other, id)
                    moved.append(name)
                } else {
                    added.append(name)
                }
                try await add(kind, id)
            }
            if !added.isEmpty { notes.append("\(kind.rawValue) + " + added.joined(separator: ", ")) }
            if !moved.isEmpty { notes.append("moved to \(kind.rawValue): " + moved.joined(separator: ", ")) }
        }
        return notes.joined(separator: "; ")
    }

    // MARK: Clients and roles

    /// Creates or updates the clients and their scope lists; returns their ids, by clientId.
    private func applyClients(
        _ admin: KeycloakAdmin, scopeIDs: [String: String], _ record: Record
    ) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for client in realm.clients ?? [] {
            var wanted = client
            wanted.defaultClientScopes = nil
            wanted.optionalClientScopes = nil
            let item = "client \(client.clientId)"
            if let existing = try await admin.client(clientId: client.clientId) {
                var actual = existing.representation
                actual.defaultClientScopes = nil
                actual.optionalClientScopes = nil
                if wanted.secret != nil, wanted.publicClient != true {
                    actual.secret = try await admin.clientSecret(id: existing.id)
                }
                let drift = Drift.fields(wanted: wanted, actual: actual)
                if !drift.isEmpty { try await admin.updateClient(id: existing.id, wanted) }
                record(
                    Change(item: item, outcome: drift.isEmpty ? .unchanged : .updated(drift.joined(separator: ", "))))
                ids[client.clientId] = existing.id
            } else {
                ids[client.clientId] = try await admin.createClient(wanted)
                record(Change(item: item, outcome: .created))
            }
            guard let id = ids[client.clientId], client.defaultClientScopes != nil || client.optionalClientScopes != nil
            else { continue }
            var current: [KeycloakAdmin.ScopeKind: [String]] = [:]
            for kind in KeycloakAdmin.ScopeKind.allCases {
                current[kind] = try await admin.clientScopes(kind, client: id).map(\.name)
            }
            let changes = try await completeScopeLists(
                wanted: [.default: client.defaultClientScopes ?? [], .optional: client.optionalClientScopes ?? []],
                current: current,
                scopeIDs: scopeIDs, owner: item,
                add: { try await admin.addClientScope($0, id: $1, client: id) },
                remove: { try await admin.removeClientScope($0, id: $1, client: id) })
            record(
                Change(
                    item: "client scopes of \(client.clientId)",
                    outcome: changes.isEmpty ? .unchanged : .updated(changes)))
        }
        return ids
    }

    /// Creates or updates client roles; returns every role of those clients, by clientId and role name.
    private func applyClientRoles(
        _ admin: KeycloakAdmin, clientIDs: [String: String], _ record: Record
    ) async throws -> [String: [String: Role]] {
        var roles: [String: [String: Role]] = [:]
        for (clientId, wantedRoles) in (realm.roles?.client ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let id = clientIDs[clientId] else {
                throw KeycloakSetupError.unknownClient(clientId, usedBy: "roles")
            }
            let existing = try await admin.clientRoles(client: id)
            for role in wantedRoles {
                let item = "role \(clientId) \(role.name)"
                if let current = existing.first(where: { $0.representation.name == role.name }) {
                    let drift = Drift.fields(wanted: role, actual: current.representation)
                    if !drift.isEmpty { try await admin.updateClientRole(role, client: id) }
                    record(
                        Change(
                            item: item, outcome: drift.isEmpty ? .unchanged : .updated(drift.joined(separator: ", "))))
                } else {
                    try await admin.createClientRole(role, client: id)
                    record(Change(item: item, outcome: .created))
                }
            }
            var all = existing
            if !wantedRoles.allSatisfy({ role in existing.contains { $0.representation.name == role.name } }) {
                all = try await admin.clientRoles(client: id)
            }
            roles[clientId] = Dictionary(
                all.map { ($0.representation.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return roles
    }

    /// Maps each client scope to the client roles that may receive it, and to no other role of that client.
    private func applyScopeMappings(
        _ admin: KeycloakAdmin, scopeIDs: [String: String], clientIDs: [String: String],
        roles: [String: [String: Role]], _ record: Record
    ) async throws {
        for (clientId, mappings) in (realm.clientScopeMappings ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let clientID = clientIDs[clientId] else {
                throw KeycloakSetupError.unknownClient(clientId, usedBy: "clientScopeMappings")
            }
            for mapping in mappings {
                guard let scopeID = scopeIDs[mapping.clientScope] else {
                    throw KeycloakSetupError.unknownClientScope(mapping.clientScope, usedBy: "clientScopeMappings")
                }
                let current = try await admin.scopeMappings(clientScope: scopeID, client: clientID)
                let changes = try await completeRoles(
                    wanted: mapping.roles, current: current, of: clientId, roles: roles,
                    owner: "client scope \(mapping.clientScope)",
                    add: { try await admin.addScopeMappings($0, clientScope: scopeID, client: clientID) },
                    remove: { try await admin.removeScopeMappings($0, clientScope: scopeID, client: clientID) })
                let item =
                    "client scope \(mapping.clientScope) only for \(clientId) roles: "
                    + mapping.roles.joined(separator: ", ")
                record(Change(item: item, outcome: changes.isEmpty ? .unchanged : .updated(changes)))
            }
        }
    }

    /// Makes `current` the roles of client `clientId` named in `wanted`; returns what was done, or "".
    private func completeRoles(
        wanted: [String], current: [Role], of clientId: String, roles: [String: [String: Role]], owner: String,
        add: ([Role]) async throws -> Void, remove: ([Role]) async throws -> Void
    ) async throws -> String {
        let have = Set(current.map(\.representation.name))
        let missing = try wanted.filter { !have.contains($0) }.map { name in
            guard let role = roles[clientId]?[name] else {
                throw KeycloakSetupError.unknownRole(clientId: clientId, role: name, usedBy: owner)
            }
            return role
        }
        let extra = current.filter { !wanted.contains($0.representation.name) }
        if !missing.isEmpty { try await add(missing) }
        if !extra.isEmpty { try await remove(extra) }
        return [
            missing.isEmpty ? nil : "+ " + missing.map(\.representation.name).joined(separator: ", "),
            extra.isEmpty ? nil : "- " + extra.map(\.representation.name).joined(separator: ", "),
        ].compactMap { $0 }.joined(separator: "; ")
    }

    // MARK: Users and registration policies

    private func applyUsers(
        _ admin: KeycloakAdmin, clientIDs: [String: String], roles: [String: [String: Role]], _ record: Record
    ) async throws {
        for user in realm.users ?? [] {
            var profile = user
            profile.credentials = nil
            profile.clientRoles = nil
            let item = "user \(user.username)"
            let id: String
            if let existing = try await admin.user(username: user.username) {
                var actual = existing.representation
                actual.credentials = nil
                actual.clientRoles = nil
                let drift = Drift.fields(wanted: profile, actual: actual)
                if !drift.isEmpty { try await admin.updateUser(id: existing.id, profile) }
                record(
                    Change(item: item, outcome: drift.isEmpty ? .unchanged : .updated(drift.joined(separator: ", "))))
                id = existing.id
            } else {
                var created = user
                created.clientRoles = nil
                id = try await admin.createUser(created)
                record(Change(item: item, outcome: .created))
            }
            for (clientId, wanted) in (user.clientRoles ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let clientID = clientIDs[clientId] else {
                    throw KeycloakSetupError.unknownClient(clientId, usedBy: item)
                }
                let current = try await admin.userClientRoles(user: id, client: clientID)
                let changes = try await completeRoles(
                    wanted: wanted, current: current, of: clientId, roles: roles, owner: item,
                    add: { try await admin.addUserClientRoles($0, user: id, client: clientID) },
                    remove: { try await admin.removeUserClientRoles($0, user: id, client: clientID) })
                let roleItem = "client roles of \(user.username) (\(clientId)): " + wanted.joined(separator: ", ")
                record(Change(item: roleItem, outcome: changes.isEmpty ? .unchanged : .updated(changes)))
            }
        }
    }

    /// Updates Keycloak's anonymous client-registration policies of the same provider (it makes them with every realm), or creates them.
    private func applyRegistrationPolicies(_ admin: KeycloakAdmin, realmID: String, _ record: Record) async throws {
        let type = KeycloakAdmin.Component.clientRegistrationPolicy
        let policies = realm.components?[type] ?? []
        guard !policies.isEmpty else { return }
        let existing = try await admin.components(type: type)
        for policy in policies {
            let subType = policy.subType ?? "anonymous"
            let item = "\(subType) client registration policy \(policy.name)"
            let wanted = KeycloakAdmin.Component(
                name: policy.name, providerId: policy.providerId, subType: subType, config: policy.config)
            guard var current = existing.first(where: { $0.providerId == policy.providerId && $0.subType == subType })
            else {
                var created = wanted
                created.providerType = type
                created.parentId = realmID
                try await admin.createComponent(created)
                record(Change(item: item, outcome: .created))
                continue
            }
            let actual = KeycloakAdmin.Component(
                name: current.name, providerId: current.providerId, subType: current.subType, config: current.config)
            let drift = Drift.fields(wanted: wanted, actual: actual)
            if !drift.isEmpty {
                current.name = policy.name
                current.config = (current.config ?? [:]).merging(policy.config ?? [:]) { _, file in file }
                try await admin.updateComponent(current)
            }
            record(Change(item: item, outcome: drift.isEmpty ? .unchanged : .updated(drift.joined(separator: ", "))))
        }
    }
}
