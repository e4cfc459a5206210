/// `step11 --demo`'s servers: the realm server of step 9 and the protected MCP server of step 10, in-process.
///
/// Not the lesson of step 11 (the client is), so it stands beside the main:
/// both servers start on free loopback ports, the step-10 server's keys are
/// fetched before the client starts, and both stop when the client is done.
import Foundation
import Hummingbird
import Logging
import Shared
import SharedRemote

/// The realm server and the step-10 server (DPOP_REQUIRED as `dpopRequired`), in-process on free ports; `body` runs
/// while they serve. With `cimd`, a third server publishes the client's metadata document, and `body` gets its URL;
/// the realm fetches it in dev mode (loopback allowed).
func withDemoServers<T>(
    realmFile: String, dpopRequired: Bool, cimd: Bool, http: ClientHTTP,
    _ body: (_ mcpURL: String, _ realm: RealmRepresentation, _ clientIDURL: String?) async throws -> T
) async throws -> T {
    let representation = try RealmRepresentation.load(from: realmFile)
    let document = cimd ? try await ClientDocumentServer.start() : nil
    let realmPort = try BackgroundServer.freePort()
    let realmServer = try await RealmServer(
        realm: Realm(representation), baseURL: "http://127.0.0.1:\(realmPort)",
        clientDocuments: document.map { _ in http.clientMetadataDocuments(allowsLoopback: true) })
    let realmRouter = Router()
    realmServer.addRoutes(to: realmRouter)
    let realm = try await BackgroundServer.start(realmRouter, port: realmPort)
    let mcpPort = try BackgroundServer.freePort()
    var quiet = Logger(label: "step10")
    quiet.logLevel = .warning
    var configuration = KeycloakConfiguration(
        keycloakURL: "http://127.0.0.1:\(realmPort)", serverURL: "http://127.0.0.1:\(mcpPort)")
    configuration.dpop.required = dpopRequired
    let protected = ProtectedMCPServer(configuration: configuration, logger: quiet)
    await protected.keys.refresh()
    let mcpRouter = Router(context: MCPRequestContext.self)
    protected.addRoutes(
        to: mcpRouter, serving: MCPDispatcher(methods: .all, tools: [EchoTool()], prompts: [EchoPrompt()]))
    let mcp = try await BackgroundServer.start(mcpRouter, port: mcpPort)
    let required = dpopRequired ? " (DPOP_REQUIRED=true)" : ""
    printLine(
        "demo: realm server on http://127.0.0.1:\(realmPort), step-10 server on http://127.0.0.1:\(mcpPort)\(required)")
    if let document { printLine("demo: the client's metadata document at \(document.url)") }
    defer {
        Task {
            await mcp.stop()
            await realm.stop()
            await document?.server.stop()
        }
    }
    return try await body("http://127.0.0.1:\(mcpPort)/mcp", representation, document?.url)
}

/// `--cimd`: the client's metadata document, served on loopback as the client's own web server would.
struct ClientDocumentServer {
    let url: String
    let server: BackgroundServer

    static func start() async throws -> ClientDocumentServer {
        let port = try BackgroundServer.freePort()
        let url = "http://127.0.0.1:\(port)/step11-client.json"
        let router = Router()
        router.get("/step11-client.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=300"],
                body: .init(byteBuffer: ByteBuffer(bytes: ClientMetadataDocument(url: url).json)))
        }
        return ClientDocumentServer(url: url, server: try await BackgroundServer.start(router, port: port))
    }
}

/// `--demo`: the whole story against the in-process servers, signing in through the login form as `options.user`
/// (with the realm file's password for that user, unless `--password` gives one). The client keeps its state in a
/// temporary directory that is removed at the end, unless `--state-dir` names one.
func runDemo(_ options: Options, http: ClientHTTP, dpop: DPoPKey?) async throws -> [MCPOAuthClient.Outcome] {
    try await withDemoServers(realmFile: options.realmFile, dpopRequired: options.dpop, cimd: options.cimd, http: http)
    {
        mcpURL, realm, clientIDURL in
        let password =
            options.password ?? realm.users?.first { $0.username == options.user }?.credentials?.first?.value ?? ""
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("step11-\(UUID().uuidString)")
            .path
        defer { if options.stateDir == nil { try? FileManager.default.removeItem(atPath: temporary) } }
        let client = MCPOAuthClient(
            mcpURL: mcpURL, store: OAuthClientStore(directory: options.stateDir ?? temporary),
            login: .form(username: options.user, password: password), http: http, message: options.message, dpop: dpop,
            clientIDURL: clientIDURL)
        return try await client.run()
    }
}

/// After the demo: a refusal is what the realm says of this user, and another user shows the other outcome.
func explainRefusals(_ outcomes: [MCPOAuthClient.Outcome], user: String) {
    guard user != "mcp-admin", outcomes.contains(where: { !$0.succeeded }) else { return }
    printLine(
        "The refusal is expected: \(user) holds no role for that scope in the realm. --user mcp-admin holds them all.")
}
