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
/// Going further: DPoP (RFC 9449). Tokens bound to a client's key
/// (`Authorization: DPoP <token>` plus a fresh `DPoP` proof per request) are
/// accepted next to bearer tokens; `DPOP_REQUIRED=true` refuses bearer tokens.
///
/// Read: Shared/Remote/ProtectedMCPServer.swift, Shared/Remote/Config/KeycloakConfiguration.swift,
///       Shared/MCPAuthRemote/Keys/RemoteKeySet.swift, Shared/MCPAuth/Keys/JSONWebKey+Verification.swift,
///       Shared/MCPAuthRemote/OAuth/AuthorizationServerDiscovery.swift, Shared/MCPAuth/Auth/ScopePolicy.swift
import ArgumentParser
import Hummingbird
import Logging
import Shared
import SharedRemote

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step10", abstract: "Step 10: the MCP server trusting Keycloak (or step9 serve), configured from an env file.",
        discussion: """
            Each setting comes from the first of: a flag, the process environment, the env file, the default.
            Variables: KEYCLOAK_URL (--keycloak-url; default http://localhost:8080), KEYCLOAK_REALM (mcp-realm),
            MCP_SERVER_URL (--public-url; default http://localhost:<port>), JWT_ISSUER (<KEYCLOAK_URL>/realms/<realm>),
            JWT_AUDIENCE (echo-mcp-server), JWKS_CACHE_SECONDS (300), METADATA_CACHE_SECONDS (3600), DPOP_REQUIRED (false),
            ALLOWED_ORIGINS (--allowed-origin), ALLOWED_HOSTS (--allowed-host), PORT (--port; 9000), LOG_LEVEL (--log-level).
            """)
    @OptionGroup var server: ServerOptions
    @OptionGroup var resource: ResourceOptions
    @Option(name: .customLong("keycloak-url"), help: "The authorization server's base URL. (default: $KEYCLOAK_URL, else http://localhost:8080)")
    var keycloakURL: String?
    @Option(help: "The env file that fills in what the environment does not set. (default: \(KeycloakConfiguration.defaultEnvFile))")
    var env: String?

    /// The settings given as flags, by variable name: they win over the environment and the env file.
    var flags: [String: String] {
        ["KEYCLOAK_URL": keycloakURL, "MCP_SERVER_URL": resource.publicURL].compactMapValues { $0 }
    }
}

// MARK: Router

/// Everything of the protected resource (keys, verifier, metadata, scope policy) is one Shared piece,
/// Shared/Remote/ProtectedMCPServer.swift, so that step 11's demo and your own server can start it too.
func makeRouter(_ server: ServerOptions, protected: ProtectedMCPServer) -> Router<MCPRequestContext> {
    let router = Router(context: MCPRequestContext.self)
    router.add(middleware: HostValidationMiddleware(bindAddress: server.host, allowedHosts: server.allowedHosts))
    router.add(middleware: OriginValidationMiddleware(policy: OriginPolicy.allowMissingOrigin.allowing(server.allowedOrigins)))
    router.add(middleware: MCPCORSMiddleware())
    router.get("/health") { _, _ in await protected.health() }
    protected.addRoutes(to: router, serving: MCPDispatcher(methods: .all, tools: [EchoTool()], prompts: [EchoPrompt()]))
    return router
}

// MARK: Run

let options = Options.parseOrExit()
let logger = Logger(label: "step10")
let configuration: KeycloakConfiguration
do {
    let (loaded, notice) = try await KeycloakConfiguration.load(
        envFile: options.env ?? KeycloakConfiguration.defaultEnvFile, required: options.env != nil, flags: options.flags,
        listenPort: options.server.listenPort)
    if let notice { logger.notice("\(notice)") }
    configuration = loaded
} catch {
    Options.exit(withError: error)
}
logger.info("configuration:\n\(configuration.summary)")
var server = options.server
server.addDefaults(origins: configuration.allowedOrigins, hosts: configuration.allowedHosts)
let protected = ProtectedMCPServer(configuration: configuration, logger: logger)
await makeApplication(name: "step10", router: makeRouter(server, protected: protected), options: server, services: [protected.keys]).run()
