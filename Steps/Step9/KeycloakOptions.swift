/// Where the Keycloak to configure answers, and how to log in to its admin API.
///
/// Introduced in step 9, for `step9 setup` and `step9 auto`. A flag wins over
/// the environment, which wins over the default:
///
/// | flag | environment | default |
/// |---|---|---|
/// | `--keycloak-url` | `KEYCLOAK_URL` | `http://localhost:8080` |
/// | `--admin-user` | `KEYCLOAK_ADMIN` | `admin` |
/// | `--admin-password` (secret: never printed or logged) | `KEYCLOAK_ADMIN_PASSWORD` | `admin` |
///
/// The defaults are those of a Keycloak started for development
/// (`start-dev` with `KC_BOOTSTRAP_ADMIN_USERNAME=admin`, `KC_BOOTSTRAP_ADMIN_PASSWORD=admin`).
///
/// ```swift
/// struct Setup: ParsableCommand {
///     @OptionGroup var keycloak: KeycloakOptions
/// }
/// ```
import ArgumentParser
import Foundation

struct KeycloakOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("keycloak-url"),
        help: "The Keycloak to configure. (default: $KEYCLOAK_URL, else http://localhost:8080)")
    var url: String?

    @Option(
        name: .customLong("admin-user"),
        help: "A user of the master realm allowed to manage realms. (default: $KEYCLOAK_ADMIN, else admin)")
    var adminUser: String?

    @Option(
        name: .customLong("admin-password"),
        help: ArgumentHelp(
            "That user's password; a secret, never printed. (default: $KEYCLOAK_ADMIN_PASSWORD, else admin)",
            valueName: "secret"))
    var adminPassword: String?

    init() {}

    /// Options as given in code, for tests; `nil` falls back to the environment, then the default.
    init(url: String?, adminUser: String? = nil, adminPassword: String? = nil) {
        self.url = url
        self.adminUser = adminUser
        self.adminPassword = adminPassword
    }

    /// The Keycloak base URL, without a trailing slash.
    var keycloakURL: String {
        let url = url ?? Self.environment["KEYCLOAK_URL"] ?? "http://localhost:8080"
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    var resolvedAdminUser: String { adminUser ?? Self.environment["KEYCLOAK_ADMIN"] ?? "admin" }

    /// The admin password. A secret: pass it to the token request, never to `print` or a logger.
    var resolvedAdminPassword: String { adminPassword ?? Self.environment["KEYCLOAK_ADMIN_PASSWORD"] ?? "admin" }

    func validate() throws {
        guard let components = URLComponents(string: keycloakURL),
            ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
            components.host?.isEmpty == false, components.query == nil, components.fragment == nil
        else {
            throw ValidationError(
                "The Keycloak URL must be an http(s) URL without query or fragment, got '\(keycloakURL)'.")
        }
    }

    private static var environment: [String: String] { ProcessInfo.processInfo.environment }
}
