/// Step 9: `step9 setup` against a recorded-contract fake Keycloak — what it sends, and that a second run sends nothing.
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MCP
import Shared
import Synchronization
import TestSupport
import Testing

@testable import step9

/// Scenario helpers for the setup tests.
enum SetupFixture {
    static let adminPassword = "fake-admin-pw-7f3a"

    /// The repository's realm file, as setup reads it.
    static func realmFile() throws -> RealmRepresentation {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try RealmRepresentation.load(from: root.appendingPathComponent(RealmRepresentation.defaultPath).path)
    }

    /// What setup printed.
    final class Output: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
        var text: String { all.joined(separator: "\n") }
    }

    /// Setup of the realm file against the Keycloak at `url`, printing into `output`.
    static func setup(
        _ url: String, password: String = adminPassword, realm: RealmRepresentation? = nil, output: Output = Output()
    ) throws
        -> KeycloakSetup
    {
        KeycloakSetup(
            options: KeycloakOptions(url: url, adminUser: "admin", adminPassword: password),
            realm: try realm ?? realmFile(),
            httpClient: .shared, output: { output.append($0) })
    }

    /// The realm file with drift: what a realm edited by hand since the last setup could look like.
    static func driftedRealm() throws -> RealmRepresentation {
        var realm = try realmFile()
        realm.displayName = "Old name"
        realm.accessTokenLifespan = 60
        realm.clientScopes![0].protocolMappers![0].config!["included.client.audience"] = "someone-else"
        realm.clients![0].redirectUris = ["http://localhost:6274/oauth/callback"]
        realm.clients![0].defaultClientScopes!.append("mcp:read")
        realm.clients![0].optionalClientScopes!.removeAll { $0 == "mcp:read" }
        realm.clientScopeMappings!["echo-mcp-server"]![1].roles = ["tools", "prompts"]
        realm.users![1].clientRoles = ["echo-mcp-server": ["read-only"]]
        realm.components![KeycloakAdmin.Component.clientRegistrationPolicy]![0].config!["trusted-hosts"] = ["localhost"]
        return realm
    }

    static func bodies(_ requests: [FakeKeycloak.RecordedRequest], _ summary: String) -> [Value] {
        requests.filter { $0.summary == summary }.compactMap(\.body)
    }

    static func keys(_ value: Value?) -> Set<String> { Set(value?.objectValue?.keys.map { $0 } ?? []) }

    static let realmPath = "/admin/realms/mcp-realm"
}

// MARK: Tests

@Suite("Step 9 — Keycloak setup")
struct KeycloakSetupTests {
    typealias Fixture = SetupFixture

    @Test("a first run creates the realm, scopes, clients, roles, users and policies, in Keycloak's field names")
    func firstRun() async throws {
        let keycloak = FakeKeycloak(adminPassword: Fixture.adminPassword)
        let output = Fixture.Output()
        let report = try await keycloak.withServer { url in try await Fixture.setup(url, output: output).run() }
        let writes = await keycloak.adminWrites
        let realm = Fixture.realmPath

        // Created in dependency order; profile, email and the two registration policies already exist, so they are not created again.
        let expected: [String] =
            ["POST /admin/realms"] + Array(repeating: "POST \(realm)/client-scopes", count: 4)
            + ["PUT \(realm)/default-default-client-scopes/{id}"]
            + Array(repeating: "PUT \(realm)/default-optional-client-scopes/{id}", count: 3)
            + Array(repeating: "POST \(realm)/clients", count: 2)
            + Array(repeating: "POST \(realm)/clients/{id}/roles", count: 3)
            + Array(repeating: "POST \(realm)/client-scopes/{id}/scope-mappings/clients/{id}", count: 3)
            + Array(
                repeating: ["POST \(realm)/users", "POST \(realm)/users/{id}/role-mappings/clients/{id}"], count: 3
            ).flatMap { $0 }
            + Array(repeating: "PUT \(realm)/components/{id}", count: 2)
        #expect(writes.map(\.summary) == expected)

        let realmBody = writes[0].body
        #expect(
            Fixture.keys(realmBody) == [
                "realm", "enabled", "displayName", "accessTokenLifespan", "ssoSessionIdleTimeout",
            ])
        #expect(realmBody?["realm"] == "mcp-realm")
        #expect(realmBody?["accessTokenLifespan"] == 300)

        let scopes = Fixture.bodies(writes, "POST \(realm)/client-scopes")
        #expect(
            scopes.map { $0["name"]?.stringValue } == [
                "echo-mcp-server-audience", "mcp:read", "mcp:tools", "mcp:prompts",
            ])
        let mapper = scopes[0]["protocolMappers"]?[0]
        #expect(Fixture.keys(mapper) == ["name", "protocol", "protocolMapper", "consentRequired", "config"])
        #expect(mapper?["protocolMapper"] == "oidc-audience-mapper")
        #expect(mapper?["config"]?["included.client.audience"] == "echo-mcp-server")
        #expect(scopes[1]["attributes"]?["include.in.token.scope"] == "true")

        let clients = Fixture.bodies(writes, "POST \(realm)/clients")
        #expect(clients[0]["clientId"] == "mcp-test-client")
        #expect(clients[0]["publicClient"] == true)
        #expect(clients[0]["directAccessGrantsEnabled"] == true)
        #expect(clients[0]["attributes"]?["pkce.code.challenge.method"] == "S256")
        #expect(clients[0]["secret"] == nil)
        #expect(clients[1]["clientId"] == "echo-mcp-server")
        #expect(clients[1]["publicClient"] == false)
        #expect(clients[1]["secret"] == "echo-mcp-server-secret")
        #expect(clients.allSatisfy { $0["defaultClientScopes"] == nil && $0["optionalClientScopes"] == nil })
        #expect(await keycloak.clientScopeNames(client: "mcp-test-client").contains("echo-mcp-server-audience"))
        let optional = await keycloak.clientScopeNames(client: "mcp-test-client", optional: true)
        #expect(["mcp:read", "mcp:tools", "mcp:prompts"].allSatisfy { optional.contains($0) })

        let roles = Fixture.bodies(writes, "POST \(realm)/clients/{id}/roles")
        #expect(roles.map { $0["name"]?.stringValue } == ["tools", "prompts", "read-only"])
        #expect(roles.allSatisfy { Fixture.keys($0) == ["name", "description"] })

        let mappings = Fixture.bodies(writes, "POST \(realm)/client-scopes/{id}/scope-mappings/clients/{id}")
        #expect(mappings.map { $0[0]?["name"]?.stringValue } == ["read-only", "tools", "prompts"])
        #expect(mappings.allSatisfy { $0[0]?["id"]?.stringValue != nil })

        let users = Fixture.bodies(writes, "POST \(realm)/users")
        #expect(users.map { $0["username"]?.stringValue } == ["mcp-admin", "mcp-user", "mcp-readonly"])
        #expect(
            Fixture.keys(users[0]) == [
                "username", "enabled", "email", "emailVerified", "firstName", "lastName", "credentials",
            ])
        #expect(users[0]["credentials"] == [["type": "password", "value": "admin123", "temporary": false]])
        #expect(await keycloak.clientRoles(of: "mcp-user", on: "echo-mcp-server") == ["read-only", "tools"])

        let policies = Fixture.bodies(writes, "PUT \(realm)/components/{id}")
        #expect(policies[0]["providerId"] == "trusted-hosts")
        #expect(policies[0]["subType"] == "anonymous")
        #expect(policies[0]["config"]?["trusted-hosts"] == ["localhost", "127.0.0.1"])
        #expect(
            policies[0]["providerType"] == "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy")
        #expect(
            policies[1]["config"]?["allowed-client-scopes"] == [
                "mcp:read", "mcp:tools", "mcp:prompts", "echo-mcp-server-audience",
            ])

        #expect(report.checks.count == 4)
        #expect(report.checks.allSatisfy { $0.passed })
        #expect(report.changes.contains(KeycloakSetup.Change(item: "client scope profile", outcome: .unchanged)))
        #expect(output.all.contains("  created    realm mcp-realm"))
        #expect(!output.all.contains("nothing to change"))
    }

    @Test(
        "each user's token carries exactly the mcp scopes its roles allow, and the summary offers a curl command per user"
    )
    func verification() async throws {
        let keycloak = FakeKeycloak(adminPassword: Fixture.adminPassword)
        let output = Fixture.Output()
        let report = try await keycloak.withServer { url in try await Fixture.setup(url, output: output).run() }

        let details = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.name, $0.detail) })
        #expect(details["mcp-admin"] == "token scope has mcp:read mcp:tools mcp:prompts")
        #expect(details["mcp-user"] == "token scope has mcp:read mcp:tools")
        #expect(details["mcp-readonly"] == "token scope has mcp:read")
        #expect(details["discovery"]?.contains("code_challenge_methods_supported plain S256") == true)
        let tokenRequests = await keycloak.requests.filter {
            $0.summary == "POST /realms/mcp-realm/protocol/openid-connect/token"
        }
        #expect(tokenRequests.count == 3)

        let curls = output.all.filter { $0.contains("curl -s http://127.0.0.1:") }
        #expect(curls.count == 3)
        #expect(
            curls[0].contains(
                "/realms/mcp-realm/protocol/openid-connect/token -d grant_type=password -d client_id=mcp-test-client"))
        #expect(curls[0].contains("-d username=mcp-admin -d password=admin123"))
        #expect(!output.text.contains(Fixture.adminPassword))
        #expect(!output.text.contains("echo-mcp-server-secret"))
    }

    @Test("a second run sends no write and says nothing to change")
    func secondRun() async throws {
        let keycloak = FakeKeycloak(adminPassword: Fixture.adminPassword)
        let output = Fixture.Output()
        let report = try await keycloak.withServer { url in
            try await Fixture.setup(url).run()
            await keycloak.clearRequests()
            return try await Fixture.setup(url, output: output).run()
        }
        #expect(await keycloak.adminWrites.map(\.summary) == [])
        #expect(await keycloak.requests.count > 20)
        #expect(report.changedNothing)
        #expect(report.checks.allSatisfy { $0.passed })
        #expect(output.all.contains("nothing to change"))
        #expect(output.all.contains("  unchanged  client echo-mcp-server"))
    }

    @Test("a realm that drifted gets exactly the updates it needs, and then none")
    func drift() async throws {
        let keycloak = FakeKeycloak(adminPassword: Fixture.adminPassword)
        try await keycloak.importRealm(try Fixture.driftedRealm())
        let output = Fixture.Output()
        let realm = Fixture.realmPath
        let report = try await keycloak.withServer { url in try await Fixture.setup(url, output: output).run() }
        let writes = await keycloak.adminWrites
        #expect(
            writes.map(\.summary) == [
                "PUT \(realm)",
                "PUT \(realm)/client-scopes/{id}/protocol-mappers/models/{id}",
                "PUT \(realm)/clients/{id}",
                "DELETE \(realm)/clients/{id}/default-client-scopes/{id}",
                "PUT \(realm)/clients/{id}/optional-client-scopes/{id}",
                "DELETE \(realm)/client-scopes/{id}/scope-mappings/clients/{id}",
                "POST \(realm)/users/{id}/role-mappings/clients/{id}",
                "PUT \(realm)/components/{id}",
            ])
        #expect(writes[0].body?["displayName"] == "MCP Authorization tutorial")
        #expect(writes[1].body?["config"]?["included.client.audience"] == "echo-mcp-server")
        #expect(writes[1].body?["id"] != nil)
        #expect(
            writes[2].body?["redirectUris"] == [
                "http://localhost:6274/oauth/callback", "http://127.0.0.1:8765/callback",
            ])
        #expect(writes[5].body?[0]?["name"] == "prompts")
        #expect(writes[6].body?[0]?["name"] == "tools")
        #expect(writes[7].body?["config"]?["trusted-hosts"] == ["localhost", "127.0.0.1"])
        #expect(writes[7].body?["config"]?["client-uris-must-match"] == ["true"])

        let lines = output.all
        #expect(lines.contains("  updated    realm mcp-realm (accessTokenLifespan, displayName)"))
        #expect(lines.contains("  updated    client mcp-test-client (redirectUris)"))
        #expect(lines.contains("  updated    client scopes of mcp-test-client (moved to optional: mcp:read)"))
        #expect(lines.contains("  updated    client roles of mcp-user (echo-mcp-server): tools, read-only (+ tools)"))
        #expect(lines.contains("  unchanged  client echo-mcp-server"))
        #expect(report.checks.allSatisfy { $0.passed })
        #expect(
            await keycloak.clientScopeNames(client: "mcp-test-client", optional: true) == [
                "mcp:tools", "mcp:prompts", "mcp:read",
            ])

        await keycloak.clearRequests()
        let again = try await keycloak.withServer { url in try await Fixture.setup(url).run() }
        #expect(await keycloak.adminWrites.isEmpty)
        #expect(again.changedNothing)
    }

    @Test("an existing user's password is never overwritten; the check says why its grant fails")
    func existingPassword() async throws {
        var realm = try Fixture.realmFile()
        realm.users![1].credentials![0].value = "changed-by-hand"
        let keycloak = FakeKeycloak(adminPassword: Fixture.adminPassword)
        try await keycloak.importRealm(realm)

        let error = await #expect(throws: KeycloakSetupError.self) {
            try await keycloak.withServer { url in try await Fixture.setup(url).run() }
        }
        guard case .verificationFailed(let failures) = error else {
            Issue.record("expected a verification failure, got \(String(describing: error))")
            return
        }
        #expect(failures.count == 1)
        #expect(failures.first?.hasPrefix("mcp-user: Keycloak refused the password grant") == true)
        #expect(failures.first?.contains("never changes the password of a user that already existed") == true)
        #expect(await keycloak.adminWrites.isEmpty)
        #expect(await keycloak.password(of: "mcp-user") == "changed-by-hand")
    }

    @Test("wrong admin credentials give a clear error that names the options, not the password")
    func badAdminCredentials() async throws {
        let keycloak = FakeKeycloak(adminPassword: Fixture.adminPassword)
        let error = await #expect(throws: KeycloakAdminError.self) {
            try await keycloak.withServer { url in try await Fixture.setup(url, password: "wrong-password-123").run() }
        }
        guard case .adminLoginFailed(_, let user, let status, let detail) = error else {
            Issue.record("expected an admin login failure, got \(String(describing: error))")
            return
        }
        #expect(user == "admin")
        #expect(status == 401)
        #expect(detail == "invalid_grant: Invalid user credentials")
        let message = error?.description ?? ""
        #expect(message.contains("refused the admin login of 'admin'"))
        #expect(message.contains("--admin-password"))
        #expect(!message.contains("wrong-password-123"))
        #expect(
            await keycloak.requests.map(\.summary) == [
                "GET /realms/master", "POST /realms/master/protocol/openid-connect/token",
            ])
    }

    @Test("isReachable tells a listening Keycloak from a closed port, and setup names an unreachable URL")
    func reachability() async throws {
        let keycloak = FakeKeycloak()
        #expect(try await keycloak.withServer { url in await KeycloakAdmin.isReachable(url) })
        #expect(await KeycloakAdmin.isReachable("http://127.0.0.1:1") == false)

        let error = await #expect(throws: KeycloakAdminError.self) {
            try await Fixture.setup("http://127.0.0.1:1").run()
        }
        #expect(error?.description.hasPrefix("No Keycloak answers at http://127.0.0.1:1") == true)
    }

    @Test("the fake refuses a body field Keycloak's representation does not have")
    func contract() async throws {
        let keycloak = FakeKeycloak(adminPassword: Fixture.adminPassword)
        try await Application(router: keycloak.router()).test(.router) { client in
            let login = try await client.execute(
                uri: "/realms/master/protocol/openid-connect/token", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(
                    string: "grant_type=password&client_id=admin-cli&username=admin&password=\(Fixture.adminPassword)"))
            let token = try #require(try login.json()["access_token"]?.stringValue)
            let response = try await client.execute(
                uri: "/admin/realms", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"realm":"x","clients":[{"clientId":"c","defaultScopes":["profile"]}]}"#))
            #expect(response.status == .badRequest)
            #expect(
                response.text.contains(
                    #"Unrecognized field \"defaultScopes\" (class org.keycloak.representations.idm.ClientRepresentation)"#
                ))
        }
        #expect(await keycloak.adminWrites.count == 1)
    }
}
