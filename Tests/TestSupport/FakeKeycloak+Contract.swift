/// The field names of Keycloak 26's admin representations, which the fake accepts and no others.
///
/// Introduced in step 9. Keycloak deserialises request bodies with Jackson and
/// answers 400 for a field its representation class does not have; the fake
/// does the same for every body, nested ones included, so a test that passes
/// sends only names Keycloak knows. Maps with free keys (`attributes`,
/// `config`) are not checked.
///
/// - SeeAlso: keycloak/keycloak `core/src/main/java/org/keycloak/representations/idm/`
import MCP

extension FakeKeycloak {
    /// A Keycloak representation class, by its simple name.
    public enum Representation: String, Sendable, CaseIterable {
        case realm = "RealmRepresentation"
        case clientScope = "ClientScopeRepresentation"
        case protocolMapper = "ProtocolMapperRepresentation"
        case client = "ClientRepresentation"
        case role = "RoleRepresentation"
        case user = "UserRepresentation"
        case credential = "CredentialRepresentation"
        case component = "ComponentRepresentation"

        /// The JSON field names of the class.
        public var fields: Set<String> {
            switch self {
            case .realm:
                [
                    "id", "realm", "displayName", "displayNameHtml", "notBefore", "defaultSignatureAlgorithm",
                    "revokeRefreshToken",
                    "refreshTokenMaxReuse", "accessTokenLifespan", "accessTokenLifespanForImplicitFlow",
                    "ssoSessionIdleTimeout",
                    "ssoSessionMaxLifespan", "ssoSessionIdleTimeoutRememberMe", "ssoSessionMaxLifespanRememberMe",
                    "offlineSessionIdleTimeout",
                    "offlineSessionMaxLifespanEnabled", "offlineSessionMaxLifespan", "clientSessionIdleTimeout",
                    "clientSessionMaxLifespan",
                    "clientOfflineSessionIdleTimeout", "clientOfflineSessionMaxLifespan", "accessCodeLifespan",
                    "accessCodeLifespanUserAction",
                    "accessCodeLifespanLogin", "actionTokenGeneratedByAdminLifespan",
                    "actionTokenGeneratedByUserLifespan",
                    "oauth2DeviceCodeLifespan", "oauth2DevicePollingInterval", "enabled", "sslRequired",
                    "passwordCredentialGrantAllowed",
                    "registrationAllowed", "registrationEmailAsUsername", "rememberMe", "verifyEmail",
                    "loginWithEmailAllowed",
                    "duplicateEmailsAllowed", "resetPasswordAllowed", "editUsernameAllowed", "userCacheEnabled",
                    "realmCacheEnabled",
                    "bruteForceProtected", "permanentLockout", "maxTemporaryLockouts", "bruteForceStrategy",
                    "maxFailureWaitSeconds",
                    "minimumQuickLoginWaitSeconds", "waitIncrementSeconds", "quickLoginCheckMilliSeconds",
                    "maxDeltaTimeSeconds",
                    "failureFactor", "privateKey", "publicKey", "certificate", "codeSecret", "roles", "groups",
                    "defaultRoles", "defaultRole",
                    "adminPermissionsClient", "defaultGroups", "requiredCredentials", "passwordPolicy", "otpPolicyType",
                    "otpPolicyAlgorithm",
                    "otpPolicyInitialCounter", "otpPolicyDigits", "otpPolicyLookAheadWindow", "otpPolicyPeriod",
                    "otpPolicyCodeReusable",
                    "otpSupportedApplications", "localizationTexts", "webAuthnPolicyRpEntityName",
                    "webAuthnPolicySignatureAlgorithms",
                    "webAuthnPolicyRpId", "webAuthnPolicyAttestationConveyancePreference",
                    "webAuthnPolicyAuthenticatorAttachment",
                    "webAuthnPolicyRequireResidentKey", "webAuthnPolicyUserVerificationRequirement",
                    "webAuthnPolicyCreateTimeout",
                    "webAuthnPolicyAvoidSameAuthenticatorRegister", "webAuthnPolicyAcceptableAaguids",
                    "webAuthnPolicyExtraOrigins",
                    "webAuthnPolicyPasswordlessRpEntityName", "webAuthnPolicyPasswordlessSignatureAlgorithms",
                    "webAuthnPolicyPasswordlessRpId", "webAuthnPolicyPasswordlessAttestationConveyancePreference",
                    "webAuthnPolicyPasswordlessAuthenticatorAttachment", "webAuthnPolicyPasswordlessRequireResidentKey",
                    "webAuthnPolicyPasswordlessUserVerificationRequirement", "webAuthnPolicyPasswordlessCreateTimeout",
                    "webAuthnPolicyPasswordlessAvoidSameAuthenticatorRegister",
                    "webAuthnPolicyPasswordlessAcceptableAaguids",
                    "webAuthnPolicyPasswordlessExtraOrigins", "webAuthnPolicyPasswordlessPasskeysEnabled",
                    "clientProfiles",
                    "clientPolicies", "users", "federatedUsers", "scopeMappings", "clientScopeMappings", "clients",
                    "clientScopes",
                    "defaultDefaultClientScopes", "defaultOptionalClientScopes", "browserSecurityHeaders", "smtpServer",
                    "userFederationProviders", "userFederationMappers", "loginTheme", "accountTheme", "adminTheme",
                    "emailTheme",
                    "eventsEnabled", "eventsExpiration", "eventsListeners", "enabledEventTypes", "adminEventsEnabled",
                    "adminEventsDetailsEnabled", "identityProviders", "identityProviderMappers", "protocolMappers",
                    "components",
                    "internationalizationEnabled", "supportedLocales", "defaultLocale", "authenticationFlows",
                    "authenticatorConfig",
                    "requiredActions", "browserFlow", "registrationFlow", "directGrantFlow", "resetCredentialsFlow",
                    "clientAuthenticationFlow", "dockerAuthenticationFlow", "firstBrokerLoginFlow", "attributes",
                    "keycloakVersion",
                    "userManagedAccessAllowed", "organizationsEnabled", "organizations", "verifiableCredentialsEnabled",
                    "adminPermissionsEnabled", "social", "updateProfileOnInitialSocialLogin", "socialProviders",
                    "applicationScopeMappings", "applications", "oauthClients", "clientTemplates",
                ]
            case .clientScope:
                ["id", "name", "description", "protocol", "attributes", "protocolMappers"]
            case .protocolMapper:
                ["id", "name", "protocol", "protocolMapper", "consentRequired", "consentText", "config"]
            case .client:
                [
                    "id", "clientId", "name", "description", "type", "rootUrl", "adminUrl", "baseUrl",
                    "surrogateAuthRequired", "enabled",
                    "alwaysDisplayInConsole", "clientAuthenticatorType", "secret", "registrationAccessToken",
                    "defaultRoles",
                    "redirectUris", "webOrigins", "notBefore", "bearerOnly", "consentRequired", "standardFlowEnabled",
                    "implicitFlowEnabled", "directAccessGrantsEnabled", "serviceAccountsEnabled",
                    "authorizationServicesEnabled",
                    "directGrantsOnly", "publicClient", "frontchannelLogout", "protocol", "attributes",
                    "authenticationFlowBindingOverrides",
                    "fullScopeAllowed", "nodeReRegistrationTimeout", "registeredNodes", "protocolMappers",
                    "clientTemplate",
                    "useTemplateConfig", "useTemplateScope", "useTemplateMappers", "defaultClientScopes",
                    "optionalClientScopes",
                    "authorizationSettings", "access", "origin",
                ]
            case .role:
                [
                    "id", "name", "description", "scopeParamRequired", "composite", "composites", "clientRole",
                    "containerId", "attributes",
                ]
            case .user:
                [
                    "id", "username", "firstName", "lastName", "email", "emailVerified", "attributes",
                    "userProfileMetadata", "self",
                    "origin", "createdTimestamp", "enabled", "totp", "federationLink", "serviceAccountClientId",
                    "credentials",
                    "disableableCredentialTypes", "requiredActions", "federatedIdentities", "realmRoles", "clientRoles",
                    "clientConsents",
                    "notBefore", "applicationRoles", "socialLinks", "groups", "access",
                ]
            case .credential:
                [
                    "id", "type", "userLabel", "createdDate", "secretData", "credentialData", "priority", "value",
                    "temporary", "device",
                    "hashedSaltedValue", "salt", "hashIterations", "counter", "algorithm", "digits", "period", "config",
                    "federationLink",
                ]
            case .component:
                ["id", "name", "providerId", "providerType", "parentId", "subType", "config"]
            }
        }

        /// Fields whose values are themselves representations (one, or a list).
        var nested: [String: Representation] {
            switch self {
            case .realm:
                [
                    "clientScopes": .clientScope, "clients": .client, "users": .user, "defaultRole": .role,
                    "protocolMappers": .protocolMapper,
                ]
            case .clientScope, .client: ["protocolMappers": .protocolMapper]
            case .user: ["credentials": .credential]
            case .protocolMapper, .role, .credential, .component: [:]
            }
        }

        /// Throws, as Jackson does, for the first field `value` (an object or a list of them) has that the class does not.
        func check(_ value: Value) throws {
            switch value {
            case .array(let elements):
                for element in elements { try check(element) }
            case .object(let object):
                for key in object.keys.sorted() {
                    guard fields.contains(key) else {
                        throw Refusal(
                            .badRequest,
                            "Unrecognized field \"\(key)\" (class org.keycloak.representations.idm.\(rawValue)), not marked as ignorable"
                        )
                    }
                    if let inner = nested[key], let field = object[key] { try inner.check(field) }
                }
            default:
                throw Refusal(.badRequest, "Cannot deserialize \(rawValue) from \(value)")
            }
        }
    }
}
