/// What Keycloak 26 puts into every realm it creates: built-in client scopes and client-registration policies.
///
/// Introduced in step 9. `step9 setup` must find and keep these, not
/// duplicate them: `profile` and `email` already exist when it gets to client
/// scopes, and the anonymous "Trusted Hosts" and "Allowed Client Scopes"
/// policies already exist when it gets to components.
import MCP

extension FakeKeycloak {
    static let builtInDefaultScopes = ["acr", "basic", "email", "profile", "roles", "web-origins"]
    static let builtInOptionalScopes = ["address", "microprofile-jwt", "offline_access", "organization", "phone"]

    static var builtInClientScopes: [Value] {
        func scope(
            _ name: String, _ description: String, inToken: Bool = true, protocol: String = "openid-connect",
            mappers: [Value] = []
        ) -> Value {
            [
                "name": .string(name), "description": .string(description), "protocol": .string(`protocol`),
                "attributes": [
                    "include.in.token.scope": .string(inToken ? "true" : "false"),
                    "display.on.consent.screen": .string(inToken ? "true" : "false"),
                ],
                "protocolMappers": .array(mappers),
            ]
        }
        func mapper(_ name: String, _ type: String, claim: String) -> Value {
            [
                "name": .string(name), "protocol": "openid-connect", "protocolMapper": .string(type),
                "consentRequired": false,
                "config": [
                    "claim.name": .string(claim), "access.token.claim": "true", "id.token.claim": "true",
                    "userinfo.token.claim": "true",
                ],
            ]
        }
        return [
            scope(
                "acr", "OpenID Connect scope for add acr (authentication context class reference) to the token",
                inToken: false),
            scope("address", "OpenID Connect built-in scope: address"),
            scope(
                "basic", "OpenID Connect scope for add all basic claims to the token", inToken: false,
                mappers: [mapper("sub", "oidc-sub-mapper", claim: "sub")]),
            scope(
                "email", "OpenID Connect built-in scope: email",
                mappers: [mapper("email", "oidc-usermodel-attribute-mapper", claim: "email")]),
            scope("microprofile-jwt", "Microprofile - JWT built-in scope"),
            scope("offline_access", "OpenID Connect built-in scope: offline_access"),
            scope("organization", "Additional claims about the organization a subject belongs to"),
            scope("phone", "OpenID Connect built-in scope: phone"),
            scope(
                "profile", "OpenID Connect built-in scope: profile",
                mappers: [mapper("username", "oidc-usermodel-attribute-mapper", claim: "preferred_username")]),
            scope("role_list", "SAML role list", protocol: "saml"),
            scope("roles", "OpenID Connect scope for add user roles to the access token", inToken: false),
            scope("saml_organization", "Organization Membership", protocol: "saml"),
            scope(
                "web-origins", "OpenID Connect scope for add allowed web origins to the access token", inToken: false),
        ]
    }

    /// Component type → the components a new realm has of it.
    static var builtInComponents: [String: Value] {
        func policy(_ name: String, _ providerId: String, _ subType: String, _ config: [String: Value] = [:]) -> Value {
            [
                "name": .string(name), "providerId": .string(providerId), "subType": .string(subType),
                "config": .object(config),
            ]
        }
        return [
            "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy": [
                policy(
                    "Trusted Hosts", "trusted-hosts", "anonymous",
                    ["host-sending-registration-request-must-match": ["true"], "client-uris-must-match": ["true"]]),
                policy("Consent Required", "consent-required", "anonymous"),
                policy("Full Scope Disabled", "scope", "anonymous"),
                policy("Max Clients Limit", "max-clients", "anonymous", ["max-clients": ["200"]]),
                policy("Allowed Protocol Mapper Types", "allowed-protocol-mappers", "anonymous"),
                policy(
                    "Allowed Client Scopes", "allowed-client-templates", "anonymous", ["allow-default-scopes": ["true"]]
                ),
                policy("Allowed Protocol Mapper Types", "allowed-protocol-mappers", "authenticated"),
                policy(
                    "Allowed Client Scopes", "allowed-client-templates", "authenticated",
                    ["allow-default-scopes": ["true"]]),
            ],
            "org.keycloak.keys.KeyProvider": [
                ["name": "rsa-generated", "providerId": "rsa-generated", "config": ["priority": ["100"]]]
            ],
        ]
    }
}
