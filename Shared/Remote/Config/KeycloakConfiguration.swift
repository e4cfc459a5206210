/// Step 10's configuration: where the authorization server is, and who this server is.
///
/// Introduced in step 10. Each value comes from the first of these that has it
/// (swift-configuration providers, in this order):
///
/// 1. a command-line flag (`--keycloak-url`, `--public-url`);
/// 2. the process environment;
/// 3. the env file (`--env`, default `scripts/keycloak/keycloak_direct.env`),
///    which fills in what the environment does not set, as the Python
///    original's `load_dotenv` does;
/// 4. the default.
///
/// A missing default env file is a notice; a missing file named with `--env`
/// is an error naming it; a malformed value is an error naming the variable.
///
/// | variable | flag | meaning | default |
/// |---|---|---|---|
/// | `KEYCLOAK_URL` | `--keycloak-url` | the authorization server's base URL | `http://localhost:8080` |
/// | `KEYCLOAK_REALM` | | the realm | `mcp-realm` |
/// | `MCP_SERVER_URL` | `--public-url` | this server's public URL; the resource is `<url>/mcp` | `http://localhost:<port it listens on>` |
/// | `JWT_ISSUER` | | the `iss` tokens must carry | `<KEYCLOAK_URL>/realms/<KEYCLOAK_REALM>` |
/// | `JWT_AUDIENCE` | | accepted `aud` values, comma-separated (the resource is always accepted too) | `echo-mcp-server` |
/// | `JWKS_CACHE_SECONDS` | | how long fetched keys are fresh | `300` |
/// | `METADATA_CACHE_SECONDS` | | how long the authorization server's metadata is fresh | `3600` |
/// | `DPOP_*` | | Going further: tokens bound to a client's key (`KeycloakConfiguration+DPoP.swift`) | |
/// | `MCP_EVENT_STREAM` | | `true`: answer MCP requests with an event stream, as the official SDKs' servers do, to clients that accept one | `false` |
/// | `ALLOWED_ORIGINS`, `ALLOWED_HOSTS` | `--allowed-origin`, `--allowed-host` | browser origins and `Host` values allowed besides localhost, comma-separated | none |
///
/// None of these is a secret (but `DPOP_NONCE_SECRET`, which is never logged).
import Configuration
public import Foundation
public import Logging
public import MCPAuthRemote
import Shared
import SystemPackage

public struct KeycloakConfiguration: Sendable, Equatable {
    public let keycloakURL: String
    public let realm: String
    public let serverURL: String
    public let issuer: String
    /// `JWT_AUDIENCE` values, then the resource identifier.
    public let audiences: [String]
    public let jwksCacheSeconds: TimeInterval
    public let metadataCacheSeconds: TimeInterval
    /// `DPOP_*` (`KeycloakConfiguration+DPoP.swift`).
    public var dpop = DPoPSettings()
    /// `MCP_EVENT_STREAM`: whether requests are answered with `text/event-stream` (``MCPEndpoint/eventStream``).
    public var eventStream = false
    /// `ALLOWED_ORIGINS` and `ALLOWED_HOSTS` from the environment or the env file (the server's flags beat them).
    public var allowedOrigins: [String] = []
    public var allowedHosts: [String] = []

    /// The variables and their order, for `step10 --help`.
    public static let help = """
        Each setting comes from the first of: a flag, the process environment, the env file, the default.
        Variables: KEYCLOAK_URL (--keycloak-url; default http://localhost:8080), KEYCLOAK_REALM (mcp-realm),
        MCP_SERVER_URL (--public-url; default http://localhost:<port>), JWT_ISSUER (<KEYCLOAK_URL>/realms/<realm>),
        JWT_AUDIENCE (echo-mcp-server), JWKS_CACHE_SECONDS (300), METADATA_CACHE_SECONDS (3600),
        \(DPoPSettings.help), MCP_EVENT_STREAM (false),
        ALLOWED_ORIGINS (--allowed-origin), ALLOWED_HOSTS (--allowed-host), PORT (--port; 9000), LOG_LEVEL (--log-level).
        """

    /// The env file step 10 reads when `--env` names none.
    public static let defaultEnvFile = "scripts/keycloak/keycloak_direct.env"

    /// A configuration given in code, as the demo of step 11 makes one.
    public init(
        keycloakURL: String, realm: String = "mcp-realm", serverURL: String, audiences: [String] = ["echo-mcp-server"],
        jwksCacheSeconds: TimeInterval = 300, metadataCacheSeconds: TimeInterval = 3600
    ) {
        self.init(
            keycloakURL: keycloakURL, realm: realm, serverURL: serverURL, issuer: "\(keycloakURL)/realms/\(realm)",
            audiences: audiences + [serverURL + "/mcp"], jwksCacheSeconds: jwksCacheSeconds,
            metadataCacheSeconds: metadataCacheSeconds)
    }

    init(
        keycloakURL: String, realm: String, serverURL: String, issuer: String, audiences: [String],
        jwksCacheSeconds: TimeInterval, metadataCacheSeconds: TimeInterval
    ) {
        self.keycloakURL = keycloakURL
        self.realm = realm
        self.serverURL = serverURL
        self.issuer = issuer
        self.audiences = audiences
        self.jwksCacheSeconds = jwksCacheSeconds
        self.metadataCacheSeconds = metadataCacheSeconds
    }

    /// The resource identifier, `<MCP_SERVER_URL>/mcp`.
    public var resource: String { serverURL + "/mcp" }

    /// A malformed value, named.
    public struct InvalidValue: Error, CustomStringConvertible {
        public let variable: String
        public let value: String
        public let expected: String
        public var description: String { "\(variable) must be \(expected), got '\(value)'" }
    }

    /// Reads the configuration; `notice` says when the env file was not there.
    ///
    /// - Parameters:
    ///   - envFile: the env file; when `required` (named with `--env`), its absence is an error.
    ///   - flags: values given on the command line, by variable name (`KEYCLOAK_URL`, `MCP_SERVER_URL`); they win.
    ///   - listenPort: the port the server listens on, for the default `MCP_SERVER_URL`.
    /// - Throws: ``InvalidValue`` naming a malformed variable; `InputFileError` for a missing required env file.
    public static func load(
        envFile: String, required: Bool = false, flags: [String: String] = [:], listenPort: Int = 9000,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> (configuration: KeycloakConfiguration, notice: String?) {
        let fileExists = FileManager.default.fileExists(atPath: envFile)
        if required { _ = try InputFile.read(envFile, what: "env file", option: "--env") }
        let file = try await EnvironmentVariablesProvider(environmentFilePath: FilePath(envFile), allowMissing: true)
        let config = ConfigReader(providers: [
            EnvironmentVariablesProvider(environmentVariables: flags),
            EnvironmentVariablesProvider(environmentVariables: environment), file,
        ])
        func value(_ key: String, _ fallback: String) -> String {
            (config.string(forKey: ConfigKey(key)) ?? fallback).trimmingCharacters(in: .whitespaces)
        }
        func list(_ key: String) -> [String] {
            value(key, "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let keycloakURL = try url("KEYCLOAK_URL", value("keycloak.url", "http://localhost:8080"))
        let realm = value("keycloak.realm", "mcp-realm")
        guard !realm.isEmpty, !realm.contains("/"), !realm.contains(" ") else {
            throw InvalidValue(variable: "KEYCLOAK_REALM", value: realm, expected: "a realm name without '/' or spaces")
        }
        let serverURL = try url("MCP_SERVER_URL", value("mcp.server.url", "http://localhost:\(listenPort)"))
        let issuer = try url("JWT_ISSUER", value("jwt.issuer", "\(keycloakURL)/realms/\(realm)"))
        let audiences = value("jwt.audience", "echo-mcp-server").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        .filter { !$0.isEmpty }
        guard !audiences.isEmpty else {
            throw InvalidValue(variable: "JWT_AUDIENCE", value: "", expected: "one or more audiences, comma-separated")
        }
        var configuration = KeycloakConfiguration(
            keycloakURL: keycloakURL, realm: realm, serverURL: serverURL, issuer: issuer,
            audiences: audiences + [serverURL + "/mcp"],
            jwksCacheSeconds: try seconds("JWKS_CACHE_SECONDS", value("jwks.cache.seconds", "300")),
            metadataCacheSeconds: try seconds("METADATA_CACHE_SECONDS", value("metadata.cache.seconds", "3600")))
        configuration.dpop = try DPoPSettings.load(value)
        configuration.eventStream = try boolean("MCP_EVENT_STREAM", value("mcp.event.stream", "false"))
        configuration.allowedOrigins = list("allowed.origins")
        configuration.allowedHosts = list("allowed.hosts")
        return (configuration, fileExists ? nil : "No env file at \(envFile); using the environment and defaults.")
    }

    /// `value` as an http(s) URL without a trailing slash.
    static func url(_ variable: String, _ value: String) throws -> String {
        guard let components = URLComponents(string: value),
            ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
            components.host?.isEmpty == false, components.query == nil, components.fragment == nil
        else { throw InvalidValue(variable: variable, value: value, expected: "an http(s) URL") }
        return value.hasSuffix("/") ? String(value.dropLast()) : value
    }

    static func seconds(_ variable: String, _ value: String) throws -> TimeInterval {
        guard let seconds = TimeInterval(value), seconds > 0 else {
            throw InvalidValue(variable: variable, value: value, expected: "a positive number of seconds")
        }
        return seconds
    }

    static func boolean(_ variable: String, _ value: String) throws -> Bool {
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw InvalidValue(variable: variable, value: value, expected: "true or false")
        }
    }

    /// The configuration as `NAME=value` lines, for the start-up log.
    public var summary: String {
        """
        KEYCLOAK_URL=\(keycloakURL)
        KEYCLOAK_REALM=\(realm)
        MCP_SERVER_URL=\(serverURL)
        JWT_ISSUER=\(issuer)
        JWT_AUDIENCE=\(audiences.joined(separator: ","))
        JWKS_CACHE_SECONDS=\(Int(jwksCacheSeconds)) METADATA_CACHE_SECONDS=\(Int(metadataCacheSeconds))
        \(dpop.summary)
        """ + (eventStream ? "\nMCP_EVENT_STREAM=true" : "")
    }
}

extension RemoteKeySet {
    /// The keys of the issuer `configuration` trusts, cached as it says.
    public init(trusting configuration: KeycloakConfiguration, logger: Logger) {
        self.init(
            issuer: configuration.issuer, jwksCacheSeconds: configuration.jwksCacheSeconds,
            metadataCacheSeconds: configuration.metadataCacheSeconds, logger: logger)
    }
}
