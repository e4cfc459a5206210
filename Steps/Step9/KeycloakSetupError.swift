/// Why `step9 setup` stopped: the realm file contradicts itself, or Keycloak does not behave as configured.
///
/// Introduced in step 9.
import Foundation

enum KeycloakSetupError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file names a client scope it does not define and Keycloak does not have.
    case unknownClientScope(String, usedBy: String)
    /// The file names a client it does not define.
    case unknownClient(String, usedBy: String)
    /// The file gives a role that it does not define for that client.
    case unknownRole(clientId: String, role: String, usedBy: String)
    /// Setup finished, but a check of discovery or of a token failed; one line per failure.
    case verificationFailed([String])

    var description: String {
        switch self {
        case .unknownClientScope(let name, let usedBy):
            "The realm file names client scope '\(name)' (in \(usedBy)) but defines no such scope."
        case .unknownClient(let clientId, let usedBy):
            "The realm file names client '\(clientId)' (in \(usedBy)) but defines no such client."
        case .unknownRole(let clientId, let role, let usedBy):
            "The realm file gives role '\(role)' of client '\(clientId)' (to \(usedBy)) but defines no such role."
        case .verificationFailed(let failures):
            "Keycloak is configured, but \(failures.count) check(s) failed:\n  " + failures.joined(separator: "\n  ")
        }
    }

    var errorDescription: String? { description }
}
