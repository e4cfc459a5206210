/// `/health` of a server that trusts a remote authorization server (step 10).
///
/// Introduced in step 10: besides step 8's flags, `keycloak_integration` names
/// the realm, the issuer, where the keys come from and how fresh they are; and
/// `"status":"degraded"`, with the reason in `keys.last_error`, while the
/// server has no keys to verify with (the authorization server was never
/// reached).
///
/// ```json
/// {"auth_required":true,"keycloak_integration":{"issuer":"…","keys":{"count":1,"state":"fresh",…},"realm":"mcp-realm"},…,"status":"healthy"}
/// ```
public import MCPAuthRemote
public import Shared

extension HealthStatus {
    /// The health of a server configured by `configuration`, serving `resource` with `keys`.
    public static func trusting(
        _ configuration: KeycloakConfiguration, resource: ProtectedResource, keys: RemoteKeySet
    ) async
        -> HealthStatus
    {
        let status = await keys.status()
        var health = HealthStatus(
            authRequired: true, oauthMetadata: resource.healthLinks, scopeBasedAuth: true,
            keycloakIntegration: .init(realm: configuration.realm, issuer: configuration.issuer, keys: status))
        if status.count == 0 { health.status = "degraded" }
        return health
    }
}
