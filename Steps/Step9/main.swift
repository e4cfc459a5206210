/// Step 9 — the authorization server: Keycloak, or the same realm served by us.
///
/// New here: a real OAuth 2.1 / OpenID Connect authorization server for the
/// realm in scripts/keycloak/mcp-realm.json. `step9 serve` serves it on :8080
/// as Keycloak 26 would (discovery, JWKS, login form with PKCE, four grants,
/// userinfo, dynamic client registration), checking every credential; state
/// is in memory only. `step9 setup` configures a running Keycloak from the same
/// file. Without a subcommand, step9 sets up the Keycloak at --keycloak-url if
/// one answers, and otherwise serves the realm itself.
///
/// Read: scripts/keycloak/mcp-realm.json, Shared/Core/Realm/Realm.swift, Shared/Core/Realm/RealmServer.swift,
///       Shared/Core/Realm/RealmServer+Token.swift, Shared/Core/Realm/RealmServer+Authorize.swift,
///       Shared/Core/Realm/RealmServer+Registration.swift, Shared/Core/OAuth/PKCEVerifier.swift,
///       Steps/Step9/KeycloakSetup.swift, Steps/Step9/KeycloakAdmin.swift, Steps/Step9/Drift.swift
import ArgumentParser
import Hummingbird
import Logging
import Shared

// MARK: Options

struct Step9: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step9",
        abstract: "Step 9: the authorization server (configure Keycloak, or serve the realm ourselves).",
        subcommands: [Automatic.self, Setup.self, Serve.self], defaultSubcommand: Automatic.self)
}

struct RealmOptions: ParsableArguments {
    @Option(help: "The realm file.")
    var realmFile: String = RealmRepresentation.defaultPath
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the realm on :8080 as Keycloak would: discovery, JWKS, login, tokens, userinfo, registration.")
    @OptionGroup var server: ServerOptions
    @OptionGroup var realm: RealmOptions
    @Option(help: "A PKCS#8 PEM private key to sign with. (default: a new RSA-2048 key at every start)")
    var key: String?
    @Option(name: .customLong("public-url"), help: "The URL clients reach it at. (default: http://localhost:<port>)")
    var publicURL: String?
    @Flag(help: "Require a fresh nonce of this server's in DPoP proofs at the token endpoint (RFC 9449 §9).")
    var dpopNonce = false

    func run() async throws {
        try await serve(
            server, realmFile: realm.realmFile, keyPath: key, publicURL: publicURL,
            nonces: dpopNonce ? DPoPNonces() : nil)
    }
}

// MARK: Router

func makeRouter(_ server: ServerOptions, realmServer: RealmServer) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: HostValidationMiddleware(bindAddress: server.host, allowedHosts: server.allowedHosts))
    router.add(middleware: RealmCORSMiddleware(server: realmServer, allowedOrigins: server.allowedOrigins))
    router.get("/health") { _, _ in HealthStatus() }
    realmServer.addRoutes(to: router)
    return router
}

// MARK: Run

/// Serves the realm of `realmFile` until stopped.
func serve(
    _ server: ServerOptions, realmFile: String, keyPath: String?, publicURL: String?, nonces: DPoPNonces? = nil
) async throws {
    let port = server.port(default: 8080)
    let keyPEM = try keyPath.map { path throws(InputFileError) in
        try InputFile.text(path, what: "private key", option: "--key")
    }
    let realmServer = try await RealmServer(
        realm: Realm(RealmRepresentation.load(from: realmFile)), baseURL: publicURL ?? "http://localhost:\(port)",
        signingKey: RealmSigningKey(privateKeyPEM: keyPEM), dpopNonces: nonces, clientDocuments: .overHTTP())
    let realm = "realm \(realmServer.realm.name) at \(realmServer.issuer) (kid \(realmServer.signingKey.keyID))"
    Logger(label: "step9").info("serving \(realm); codes, sessions and registered clients live in memory only")
    let router = makeRouter(server, realmServer: realmServer)
    await makeApplication(name: "step9", router: router, options: server, port: port).run()
}

/// Parses the command line and runs the subcommand asked for (`step9` alone is `step9 auto`), in an async function:
/// at the top level of main.swift, Swift would pick ArgumentParser's synchronous `main()`.
func runStep9() async { await Step9.main() }

await runStep9()
