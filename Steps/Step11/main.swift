/// Step 11 — the client: from a 401 to a tool result, by discovery, registration and PKCE.
///
/// New here: the other side. An MCP client that knows only the server's URL
/// finds the authorization server (the 401 challenge, RFC 9728 resource
/// metadata, RFC 8414 discovery), registers itself (RFC 7591), sends the user
/// to log in with PKCE, `state` and `resource`, receives the redirect on a
/// loopback listener, checks `state` and `iss`, exchanges the code, and calls
/// the tools, stepping up when a 403 names a missing scope. It narrates every
/// stage. `--demo` starts the realm server and the step-10 server in-process
/// and signs in through the login form itself: the whole story, one command.
/// Going further: DPoP, `--dpop` binds the tokens to a key made for the run
/// and proves it with every request (the demo's server then requires it).
///
/// Read: Shared/Remote/Client/MCPOAuthClient.swift, Shared/Remote/Client/MCPOAuthClient+Authorize.swift,
///       Shared/Remote/Client/AuthenticationChallenge.swift, Shared/Remote/Client/LoopbackReceiver.swift,
///       Shared/Remote/Client/OAuthClientStore.swift, Shared/Remote/Client/FormLoginBrowser.swift,
///       Shared/Core/OAuth/PKCEVerifier.swift
import ArgumentParser
import Foundation
import Shared
import SharedRemote

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step11",
        abstract: "Step 11: an MCP client that discovers, registers, authorizes with PKCE and calls the server.")
    @Option(help: "The MCP endpoint to call.")
    var server: String = "http://localhost:9000/mcp"
    @Flag(help: "Start the realm server and the step-10 server in-process and run the whole flow without a browser.")
    var demo = false
    @Option(help: "The user to sign in as with --demo (or with --password).")
    var user: String = "mcp-user"
    @Option(help: "Sign in through the realm server's login form with this password instead of a browser.")
    var password: String?
    @Flag(help: "Print the authorization URL and read the redirect URL pasted back (no browser, no listener).")
    var paste = false
    @Option(help: "Where the registration and tokens are kept (0600). (default: .step11; with --demo, a temporary one)")
    var stateDir: String?
    @Option(help: "A client registered beforehand with the authorization server: use it instead of registering.")
    var clientID: String?
    @Option(help: "That client's secret, if it is a confidential one (a secret: never printed).")
    var clientSecret: String?
    @Option(
        name: .customLong("client-id-url"),
        help: "The URL of this client's metadata document: its client_id where the server takes one (CIMD).")
    var clientIDURL: String?
    @Flag(help: "With --demo: the client is named by a metadata document the demo serves on loopback (CIMD).")
    var cimd = false
    @Option(help: "The realm file (for --demo).")
    var realmFile: String = RealmRepresentation.defaultPath
    @Option(help: "What to echo.")
    var message: String = "hello from step 11"
    @Flag(help: "Bind the tokens to a key made for this run (DPoP, docs/dpop.md); --demo's server then requires it.")
    var dpop = false
}

// MARK: Run

let options = Options.parseOrExit()
let clientHTTP = ClientHTTP.make()
let dpopKey = options.dpop ? DPoPKey() : nil
do {
    let outcomes: [MCPOAuthClient.Outcome]
    if options.demo {
        outcomes = try await runDemo(options, http: clientHTTP, dpop: dpopKey)
    } else {
        let login: MCPOAuthClient.Login =
            options.paste ? .paste : options.password.map { .form(username: options.user, password: $0) } ?? .browser
        let client = MCPOAuthClient(
            mcpURL: options.server, store: OAuthClientStore(directory: options.stateDir ?? ".step11"), login: login,
            http: clientHTTP, message: options.message, dpop: dpopKey,
            preRegistered: options.clientID.map { ($0, options.clientSecret) }, clientIDURL: options.clientIDURL)
        outcomes = try await client.run()
    }
    printLine("Result:")
    for outcome in outcomes { printLine("  \(outcome)") }
    if options.demo { explainRefusals(outcomes, user: options.user) }
    await clientHTTP.shutdown()
} catch {
    var hint = ""
    if case OAuthFlowError.unreachable(let url, _) = error, url == options.server, !options.demo {
        hint = " Is the MCP server running (swift run step10)? Another one: --server URL"
    }
    printLine("✘ \(error)\(hint)")
    await clientHTTP.shutdown()
    Options.exit(withError: ExitCode.failure)
}
