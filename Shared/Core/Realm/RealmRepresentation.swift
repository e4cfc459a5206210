/// The realm file: the part of Keycloak's realm representation this tutorial uses.
///
/// Introduced in step 9. `scripts/keycloak/mcp-realm.json` is the one source of
/// truth for the realm: `step9 setup` sends it to a running Keycloak through the
/// admin REST API, and `step9 serve` serves it itself. Field names are
/// Keycloak's (`RealmRepresentation`, `ClientRepresentation`,
/// `ClientScopeRepresentation`, `UserRepresentation`), so the file also imports
/// into Keycloak as is.
///
/// - SeeAlso: Keycloak Admin REST API, "RealmRepresentation"
import Foundation

public struct RealmRepresentation: Codable, Sendable, Equatable {
    public var realm: String
    public var enabled: Bool?
    public var displayName: String?
    public var accessTokenLifespan: Int?
    public var ssoSessionIdleTimeout: Int?
    public var ssoSessionMaxLifespan: Int?
    /// Realm attributes (a free map in Keycloak's format); the realm server reads `mcp.resources` and
    /// `mcp.resources.loopback` from it (``Realm/knowsResource(_:)``).
    public var attributes: [String: String]?
    public var defaultDefaultClientScopes: [String]?
    public var defaultOptionalClientScopes: [String]?
    public var clientScopes: [ClientScopeRepresentation]?
    /// Client → the client scopes its roles are mapped to (a scope is granted only to holders of one of the roles).
    public var clientScopeMappings: [String: [ScopeMappingRepresentation]]?
    public var roles: RolesRepresentation?
    public var clients: [ClientRepresentation]?
    public var users: [UserRepresentation]?
    public var components: [String: [ComponentRepresentation]]?

    /// Reads and decodes a realm file.
    ///
    /// - Throws: ``InputFileError`` when the file is missing or is not a realm export.
    public static func load(from path: String) throws(InputFileError) -> RealmRepresentation {
        let data = try InputFile.read(path, what: "realm file", option: "--realm-file")
        do {
            return try JSONDecoder().decode(RealmRepresentation.self, from: data)
        } catch {
            throw InputFileError("\(path) is not a realm file (Keycloak's realm export JSON)")
        }
    }

    /// The realm file of this repository, relative to the working directory.
    public static let defaultPath = "scripts/keycloak/mcp-realm.json"
}

public struct ClientScopeRepresentation: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public var `protocol`: String?
    public var attributes: [String: String]?
    public var protocolMappers: [ProtocolMapperRepresentation]?
}

public struct ProtocolMapperRepresentation: Codable, Sendable, Equatable {
    public var name: String
    public var `protocol`: String
    public var protocolMapper: String
    public var consentRequired: Bool?
    public var config: [String: String]?
}

public struct ScopeMappingRepresentation: Codable, Sendable, Equatable {
    public var clientScope: String
    public var roles: [String]
}

public struct RolesRepresentation: Codable, Sendable, Equatable {
    public var client: [String: [RoleRepresentation]]?
}

public struct RoleRepresentation: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
}

public struct ClientRepresentation: Codable, Sendable, Equatable {
    public var clientId: String
    public var name: String?
    public var enabled: Bool?
    public var publicClient: Bool?
    public var secret: String?
    public var clientAuthenticatorType: String?
    public var standardFlowEnabled: Bool?
    public var directAccessGrantsEnabled: Bool?
    public var serviceAccountsEnabled: Bool?
    public var redirectUris: [String]?
    public var webOrigins: [String]?
    public var attributes: [String: String]?
    public var defaultClientScopes: [String]?
    public var optionalClientScopes: [String]?
}

public struct UserRepresentation: Codable, Sendable, Equatable {
    public var username: String
    public var enabled: Bool?
    public var email: String?
    public var emailVerified: Bool?
    public var firstName: String?
    public var lastName: String?
    public var credentials: [CredentialRepresentation]?
    public var clientRoles: [String: [String]]?
}

public struct CredentialRepresentation: Codable, Sendable, Equatable {
    public var type: String
    public var value: String
    public var temporary: Bool?
}

public struct ComponentRepresentation: Codable, Sendable, Equatable {
    public var name: String
    public var providerId: String
    public var subType: String?
    public var config: [String: [String]]?
}
