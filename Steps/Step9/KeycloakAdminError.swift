/// Why a call to Keycloak's admin API failed, in words a user can act on.
///
/// Introduced in step 9. The admin password never appears in a message.
import Foundation

enum KeycloakAdminError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// Nothing answered at `url` (connection refused, timeout, DNS).
    case unreachable(url: String, reason: String)
    /// The master realm refused the admin login (wrong user or password, or the user may not use admin-cli).
    case adminLoginFailed(url: String, user: String, status: Int, detail: String)
    /// Keycloak refused an admin request; `detail` is its own explanation.
    case requestFailed(method: String, path: String, status: Int, detail: String)
    /// Keycloak answered something this client cannot read.
    case unexpectedResponse(method: String, path: String, detail: String)

    var description: String {
        switch self {
        case .unreachable(let url, let reason):
            "No Keycloak answers at \(url) (\(reason)); start one (docker compose -f scripts/keycloak/docker-compose.yml up -d) "
                + "or pass --keycloak-url."
        case .adminLoginFailed(let url, _, 404, _):
            "\(url) has no master realm token endpoint (HTTP 404 for /realms/master/protocol/openid-connect/token); "
                + "is it a Keycloak? The built-in server of `step9 serve` has no admin API to configure."
        case .adminLoginFailed(let url, let user, let status, let detail):
            "Keycloak at \(url) refused the admin login of '\(user)' (HTTP \(status), \(detail)); "
                + "check --admin-user and --admin-password (KEYCLOAK_ADMIN, KEYCLOAK_ADMIN_PASSWORD)."
        case .requestFailed(let method, let path, let status, let detail):
            "Keycloak refused \(method) \(path): HTTP \(status), \(detail)"
        case .unexpectedResponse(let method, let path, let detail):
            "Unexpected answer from Keycloak to \(method) \(path): \(detail)"
        }
    }

    var errorDescription: String? { description }
}
