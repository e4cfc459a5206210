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
/// Going further: tokens bound to a client's key (DPoP) are accepted too (docs/dpop.md).
///
/// Read: Shared/Remote/Config/KeycloakConfiguration.swift, Shared/MCPAuthRemote/Keys/RemoteKeySet.swift,
///       Shared/MCPAuthRemote/OAuth/AuthorizationServerDiscovery.swift,
///       Shared/MCPAuth/Keys/JSONWebKey+Verification.swift, Shared/Core/Auth/ScopePolicy+Steps.swift,
///       Shared/Remote/HealthStatus+Trusting.swift
import ArgumentParser
import Hummingbird
import Logging
import Shared
import SharedRemote

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step10",
        abstract: "Step 10: the MCP server trusting Keycloak (or step9 serve), configured from an env file.",
        discussion: KeycloakConfiguration.help)
    @OptionGroup var server: ServerOptions
    @OptionGroup var resource: ResourceOptions
    @Option(
        name: .customLong("keycloak-url"),
        help: "The authorization server's base URL. (default: $KEYCLOAK_URL, else http://localhost:8080)")
    var keycloakURL: String?
    @Option(help: "The env file; the environment beats it. (default: \(KeycloakConfiguration.defaultEnvFile))")
    var env: String?

    /// The settings given as flags, by variable name: they win over the environment and the env file.
    var flags: [String: String] {
        ["KEYCLOAK_URL": keycloakURL, "MCP_SERVER_URL": resource.publicURL].compactMapValues { $0 }
    }
}

// MARK: Router

/// Step 8's server, but its keys come from the authorization server, and its scope policy is the posts' `.keycloak`.
func makeRouter(_ server: ServerOptions, config: KeycloakConfiguration, keys: RemoteKeySet) -> Router<MCPRequestContext>
{
    let resource = ProtectedResource(
        serverURL: config.serverURL, authorizationServers: [config.issuer], scopes: ProtectedMCPServer.scopes,
        dpop: config.dpop.policy, description: .posts)
    let router = Router(context: MCPRequestContext.self)
    router.add(middleware: HostValidationMiddleware(bindAddress: server.host, allowedHosts: server.allowedHosts))
    router.add(
        middleware: OriginValidationMiddleware(policy: OriginPolicy.allowMissingOrigin.allowing(server.allowedOrigins)))
    router.add(middleware: MCPCORSMiddleware())
    router.get("/health") { _, _ in await HealthStatus.trusting(config, resource: resource, keys: keys) }
    resource.metadata.addRoutes(to: router)
    let verifier = TokenVerifier(keys: keys, issuers: [config.issuer], audiences: Set(config.audiences))
    let authenticated = router.group("/mcp").add(
        middleware: resource.tokenMiddleware(verifier: verifier, proofs: config.dpop.makeProofVerifier()))
    let dispatcher = MCPDispatcher(methods: .all, tools: [EchoTool()], prompts: [EchoPrompt()])
    let mcp = ScopeEnforcingHandler(dispatcher, policy: .keycloak, challenge: resource.tokenChallenge)
    MCPEndpoint(handler: mcp, eventStream: config.eventStream).addRoutes(to: authenticated)
    return router
}

// MARK: Run

let options = Options.parseOrExit()
let logger = Logger(label: "step10")
let configuration: KeycloakConfiguration
do {
    let (loaded, notice) = try await KeycloakConfiguration.load(
        envFile: options.env ?? KeycloakConfiguration.defaultEnvFile, required: options.env != nil,
        flags: options.flags,
        listenPort: options.server.listenPort)
    if let notice { logger.notice("\(notice)") }
    configuration = loaded
} catch {
    Options.exit(withError: error)
}
logger.info("configuration:\n\(configuration.summary)")
var server = options.server
server.addDefaults(origins: configuration.allowedOrigins, hosts: configuration.allowedHosts)
let keys = RemoteKeySet(trusting: configuration, logger: logger)
let router = makeRouter(server, config: configuration, keys: keys)
await makeApplication(name: "step10", router: router, options: server, services: [keys]).run()
