/// The admin API's shapes that the realm file's types do not cover: ids, realm settings, components.
///
/// Introduced in step 9. Keycloak answers every object with the `id` it
/// assigned; ``KeycloakAdmin/Identified`` adds that id to a realm-file type
/// (``ClientRepresentation``, ``UserRepresentation`` …) without copying it.
/// Field names are Keycloak's, so these encode to what Keycloak expects and
/// decode what it answers (fields we do not use are ignored).
///
/// - SeeAlso: Keycloak Admin REST API, "RealmRepresentation", "ComponentRepresentation", "ClientScopeRepresentation"
import Foundation
import Shared

extension KeycloakAdmin {
    /// A representation with the id Keycloak gave it: `{"id": "…", …the representation's fields…}`.
    struct Identified<Representation: Codable & Sendable>: Codable, Sendable {
        var id: String
        var representation: Representation

        init(id: String, _ representation: Representation) {
            self.id = id
            self.representation = representation
        }

        private enum CodingKeys: String, CodingKey { case id }

        init(from decoder: any Decoder) throws {
            id = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .id)
            representation = try Representation(from: decoder)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try representation.encode(to: encoder)
        }
    }

    /// The realm settings the realm file sets: a part of Keycloak's `RealmRepresentation`.
    struct RealmSettings: Codable, Sendable, Equatable {
        var realm: String
        var enabled: Bool?
        var displayName: String?
        var accessTokenLifespan: Int?
        var ssoSessionIdleTimeout: Int?

        init(_ file: RealmRepresentation) {
            realm = file.realm
            enabled = file.enabled
            displayName = file.displayName
            accessTokenLifespan = file.accessTokenLifespan
            ssoSessionIdleTimeout = file.ssoSessionIdleTimeout
        }
    }

    /// A client scope as the default-scope lists name it: `{"id": "…", "name": "…"}`.
    struct ScopeReference: Codable, Sendable, Equatable {
        var id: String
        var name: String
    }

    /// Which of the two scope lists: applied to every token (`default`), or when the request names it (`optional`).
    enum ScopeKind: String, Sendable, CaseIterable {
        case `default`
        case optional
    }

    /// Keycloak's `ComponentRepresentation`, e.g. a client-registration policy.
    struct Component: Codable, Sendable, Equatable {
        var id: String?
        var name: String
        var providerId: String
        var providerType: String?
        var parentId: String?
        var subType: String?
        var config: [String: [String]]?

        /// The provider type of client-registration policies (trusted hosts, allowed client scopes, …).
        static let clientRegistrationPolicy = "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"
    }
}
