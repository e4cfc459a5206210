/// Step 10 — the server you would deploy: it trusts the authorization server of step 9.
///
/// New here: configuration from an env file (Keycloak's URL and realm, this
/// server's public URL, the accepted issuer and audiences), and keys fetched
/// from the authorization server instead of a file: discovered from the
/// issuer, cached, refreshed in the background, refetched once when a token
/// names a new key, kept when the server is down. The scope policy is the
/// Keycloak posts': `mcp:read` grants `initialize` and `ping` only. The same
/// binary works against Keycloak and against `step9 serve`.
///
/// Read: Shared/Remote/RemoteKeySet.swift, Shared/OAuth/AuthorizationServerDiscovery.swift, Shared/Config/KeycloakConfiguration.swift
import ArgumentParser
import Hummingbird
import Logging
import Shared

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step10", abstract: "Step 10: the MCP server trusting Keycloak (or step9 serve), configured from an env file.")
    @OptionGroup var server: ServerOptions
    @Option(help: "The env file to read first (then the environment, then defaults).")
    var env: String = "scripts/keycloak/keycloak_direct.env"
}

// MARK: Keys

/// The authorization server's keys, fetched and kept fresh by a background service.
func makeKeySet(_ configuration: KeycloakConfiguration, logger: Logger) -> RemoteKeySet {
    RemoteKeySet(
        issuer: configuration.issuer, jwksCacheSeconds: configuration.jwksCacheSeconds,
        metadataCacheSeconds: configuration.metadataCacheSeconds, logger: logger)
}

// MARK: Router

func makeRouter(_ server: ServerOptions, configuration: KeycloakConfiguration, keys: RemoteKeySet) -> Router<MCPRequestContext> {
    let resource = ProtectedResource(
        serverURL: configuration.serverURL, authorizationServers: [configuration.issuer],
        scopes: [ScopePolicy.read, ScopePolicy.tools, ScopePolicy.prompts])
    let router = Router(context: MCPRequestContext.self)
    router.add(middleware: HostValidationMiddleware(bindAddress: server.host, allowedHosts: server.allowedHosts))
    router.add(middleware: OriginValidationMiddleware(policy: OriginPolicy.allowMissingOrigin.allowing(server.allowedOrigins)))
    router.add(middleware: MCPCORSMiddleware())
    router.get("/health") { _, _ in
        HealthStatus(
            authRequired: true, oauthMetadata: resource.healthLinks, scopeBasedAuth: true,
            keycloakIntegration: .init(realm: configuration.realm, issuer: configuration.issuer, keys: await keys.status()))
    }
    resource.metadata.addRoutes(to: router)
    let verifier = TokenVerifier(keys: keys, issuers: [configuration.issuer], audiences: Set(configuration.audiences))
    let authenticated = router.group("/mcp").add(middleware: BearerTokenMiddleware(verifier: verifier, challenge: resource.challenge))
    let dispatcher = MCPDispatcher(methods: .all, tools: [EchoTool()], prompts: [EchoPrompt()])
    let mcp = ScopeEnforcingHandler(dispatcher, policy: .keycloak, challenge: resource.challenge)
    MCPEndpoint(handler: mcp).addRoutes(to: authenticated)
    return router
}

// MARK: Run

let options = Options.parseOrExit()
let logger = Logger(label: "step10")
let configuration: KeycloakConfiguration
do {
    let (loaded, notice) = try await KeycloakConfiguration.load(envFile: options.env)
    if let notice { logger.notice("\(notice)") }
    configuration = loaded
} catch {
    Options.exit(withError: ValidationError("\(error)"))
}
logger.info("configuration:\n\(configuration.summary)")
let keys = makeKeySet(configuration, logger: logger)
let router = makeRouter(options.server, configuration: configuration, keys: keys)
try await makeApplication(name: "step10", router: router, options: options.server, services: [keys]).runService()
