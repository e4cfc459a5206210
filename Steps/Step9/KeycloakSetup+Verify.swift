/// Checking the configured realm as a client sees it: discovery, then one password grant per user.
///
/// Introduced in step 9. The expected scopes come from the realm file through
/// the same ``Realm`` rules the built-in server applies, so the check reads:
/// "Keycloak grants what `step9 serve` would". The passwords are the realm
/// file's (it publishes them); the admin password is not used here.
import AsyncHTTPClient
import Foundation
import NIOCore
import Shared

extension KeycloakSetup {
    /// The scopes each verification token asks for, as the tutorial's posts do.
    static let verificationScope = "openid profile email mcp:read mcp:tools mcp:prompts"

    var issuer: String { options.keycloakURL + "/realms/" + realm.realm }
    var tokenEndpoint: String { issuer + "/protocol/openid-connect/token" }

    /// The public client with direct access grants that the checks and the curl commands use (`mcp-test-client`).
    var testClient: ClientRepresentation? {
        realm.clients?.first { $0.publicClient == true && $0.directAccessGrantsEnabled == true }
    }

    func verify() async -> [Check] {
        var checks = [await checkDiscovery()]
        guard let client = testClient else {
            return checks + [
                Check(
                    name: "tokens", passed: false,
                    detail: "the realm file has no public client with direct access grants")
            ]
        }
        for user in realm.users ?? [] {
            guard let password = user.credentials?.first(where: { $0.type == "password" })?.value else { continue }
            checks.append(await checkToken(user: user.username, password: password, client: client.clientId))
        }
        return checks
    }

    /// `GET {issuer}/.well-known/openid-configuration`: the issuer is the realm's URL, and PKCE S256 is offered.
    func checkDiscovery() async -> Check {
        struct Discovery: Decodable {
            let issuer: String
            let code_challenge_methods_supported: [String]?
        }
        let name = "discovery"
        do {
            let response = try await httpClient.execute(
                HTTPClientRequest(url: issuer + "/.well-known/openid-configuration"), timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok else {
                return Check(
                    name: name, passed: false,
                    detail: "HTTP \(response.status.code), \(KeycloakAdmin.errorDetail(body))")
            }
            let discovery = try JSONDecoder().decode(Discovery.self, from: Data(body.readableBytesView))
            let methods = discovery.code_challenge_methods_supported ?? []
            guard discovery.issuer == issuer else {
                return Check(name: name, passed: false, detail: "issuer is \(discovery.issuer), expected \(issuer)")
            }
            guard methods.contains("S256") else {
                return Check(
                    name: name, passed: false, detail: "code_challenge_methods_supported is \(methods), without S256")
            }
            let detail =
                "issuer \(discovery.issuer), code_challenge_methods_supported \(methods.joined(separator: " "))"
            return Check(name: name, passed: true, detail: detail)
        } catch {
            return Check(name: name, passed: false, detail: "\(error)")
        }
    }

    /// A password grant for `user` through `client`: its token's `mcp:*` scopes are those the user's roles allow.
    func checkToken(user: String, password: String, client: String) async -> Check {
        let expected = expectedMCPScopes(user: user, client: client)
        do {
            var request = HTTPClientRequest(url: tokenEndpoint)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let form = [
                ("grant_type", "password"), ("client_id", client), ("username", user), ("password", password),
                ("scope", Self.verificationScope),
            ]
            request.body = .bytes(ByteBuffer(string: FormFields.encode(form)))
            let response = try await httpClient.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok else {
                return Check(
                    name: user, passed: false,
                    detail:
                        "Keycloak refused the password grant with the realm file's password (HTTP \(response.status.code), "
                        + "\(KeycloakAdmin.errorDetail(body))); setup never changes the password of a user that already existed"
                )
            }
            struct TokenAnswer: Decodable { let access_token: String }
            let token = try JSONDecoder().decode(TokenAnswer.self, from: Data(body.readableBytesView)).access_token
            guard let granted = Self.mcpScopes(inToken: token) else {
                return Check(name: user, passed: false, detail: "the access token is not a JWT with a scope claim")
            }
            let shown = granted.isEmpty ? "no mcp scope" : granted.joined(separator: " ")
            guard Set(granted) == Set(expected) else {
                let wanted = expected.isEmpty ? "none" : expected.joined(separator: " ")
                return Check(name: user, passed: false, detail: "token scope has \(shown), expected \(wanted)")
            }
            return Check(name: user, passed: true, detail: "token scope has \(shown)")
        } catch {
            return Check(name: user, passed: false, detail: "\(error)")
        }
    }

    /// The `mcp:*` scopes the realm file's rules give `user` through `client` for ``verificationScope``.
    func expectedMCPScopes(user: String, client: String) -> [String] {
        let model = Realm(realm)
        let requested = Self.verificationScope.split(separator: " ").map(String.init)
        guard let client = model.clients[client], let user = model.users[user],
            let grant = try? model.grant(client: client, roles: user.roles, requested: requested, resource: nil)
        else { return [] }
        return grant.scope.filter { $0.hasPrefix("mcp:") }
    }

    /// The `mcp:*` entries of a JWT's `scope` claim; nil when `token` is not a JWT with one.
    static func mcpScopes(inToken token: String) -> [String]? {
        struct Claims: Decodable { let scope: String }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Data(base64URLEncoded: parts[1]),
            let claims = try? JSONDecoder().decode(Claims.self, from: payload)
        else { return nil }
        return claims.scope.split(separator: " ").map(String.init).filter { $0.hasPrefix("mcp:") }
    }

    /// One curl command per user with a password in the file, printing an access token.
    func tokenCommands() -> [String] {
        guard let client = testClient else { return [] }
        return (realm.users ?? []).compactMap { user in
            guard let password = user.credentials?.first(where: { $0.type == "password" })?.value else { return nil }
            return
                "curl -s \(tokenEndpoint) -d grant_type=password -d client_id=\(client.clientId) -d username=\(user.username) "
                + "-d password=\(password) --data-urlencode 'scope=\(Self.verificationScope)' | jq -r .access_token"
        }
    }
}
