/// gen-token — mint a demo access token, as the posts' token script does.
///
/// Signs with keys/mcp_private_key.pem (RS256, kid `mcp-key-1`) the claims steps
/// 6–8 check: iss `mcp-simple-auth`, aud `mcp-server`, sub, iat, exp,
/// `preferred_username`, `scope` and `scopes`, `roles`. Writes
/// `token_<user>.json` (the token, its header and claims) and prints the token
/// alone on stdout, so `TOKEN=$(swift run gen-token --username alice)` works.
///
///     swift run gen-token --username alice --scopes mcp:read,mcp:tools
///     swift run gen-token --username admin --scopes mcp:read,mcp:tools,mcp:prompts --roles admin
///     swift run gen-token --generate-keys --keys my-keys   # a new key pair in my-keys/
///     swift run gen-token --username alice --scopes mcp:read --jkt <thumbprint>   # bound to a DPoP key
/// `--generate-keys` never replaces a key pair that is there (the committed
/// demo pair in keys/ included) unless `--force` says so.
///
/// Read: Shared/Core/Auth/TokenIssuer.swift, Shared/Core/Keys/KeyDirectory.swift
import ArgumentParser
import Foundation
import Shared

// MARK: Options

struct Options: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen-token", abstract: "Mint a demo JWT access token for steps 6-8 (demo keys only).")
    @Option(help: "The user: sub and preferred_username.")
    var username: String?
    @Option(help: "Comma-separated scopes, e.g. mcp:read,mcp:tools.")
    var scopes: String = ""
    @Option(help: "Comma-separated roles, e.g. admin.")
    var roles: String = ""
    @Option(help: "Lifetime in seconds; --expires=-120 makes an already-expired token.")
    var expires: Int = 3600
    @Option(help: "The iss claim.")
    var issuer: String = TokenIssuer.demoIssuer
    @Option(help: "Comma-separated aud values.")
    var audience: String = TokenIssuer.demoAudience
    @Option(help: "The kid header.")
    var kid: String = KeyDirectory.demoKeyID
    @Option(help: "Bind the token to a DPoP key: its RFC 7638 thumbprint, as cnf.jkt (docs/dpop.md).")
    var jkt: String?
    @OptionGroup var keys: KeyOptions
    @Flag(help: "Write a new RSA-2048 key pair to the keys directory first (servers must restart to use it).")
    var generateKeys = false
    @Flag(help: "With --generate-keys: replace a key pair that is already there.")
    var force = false
    @Option(help: "Where to write the token and its claims as JSON. (default: token_<username>.json)")
    var out: String?

    func validate() throws {
        if username == nil && !generateKeys { throw ValidationError("Give --username (or --generate-keys).") }
        if let username, username.isEmpty { throw ValidationError("--username must not be empty.") }
    }
}

let options = Options.parseOrExit()
let directory = options.keys.directory
if options.generateKeys {
    if !options.force, directory.privateKeyPEM() != nil || directory.publicKeyPEM() != nil {
        fail(
            "a key pair is already in \(directory.path)/; keeping it (--force replaces it; --keys DIR writes elsewhere)"
        )
    }
    do { try directory.generateKeyPair() } catch { fail("could not write a key pair to \(directory.path)/: \(error)") }
    note("wrote a new key pair: \(directory.privateKeyPath), \(directory.publicKeyPath)")
}
guard let username = options.username else { exit(0) }
guard let pem = directory.privateKeyPEM() else {
    fail("no private key at \(directory.privateKeyPath): run from the repository's top folder, or give --keys DIR")
}

// MARK: Run

let issued: TokenIssuer.IssuedToken
do {
    let signer = try TokenIssuer(privateKeyPEM: pem, keyID: options.kid, issuer: options.issuer)
    issued = try signer.issue(
        username: username, scopes: list(options.scopes), roles: list(options.roles), audience: list(options.audience),
        lifetime: TimeInterval(options.expires), boundTo: options.jkt)
} catch {
    fail("\(directory.privateKeyPath) is not an RSA private key in PEM; the demo pair is in keys/")
}
let path = options.out ?? "token_\(username).json"
do {
    try JSONEncoder.pretty.encode(TokenFile(token: issued.token)).write(to: URL(fileURLWithPath: path))
} catch {
    fail("could not write \(path): \(error.localizedDescription)")
}
note("wrote \(path): \(username), scopes [\(issued.claims.scope ?? "")], expires in \(options.expires) s")
print(issued.token)
