/// Where a step's server listens and whom it lets in.
///
/// Introduced in step 1, shared by every server step through `@OptionGroup`.
/// A flag wins over the environment, which wins over the default:
///
/// | flag | environment | default |
/// |---|---|---|
/// | `--host` | – | `127.0.0.1` (loopback, as the MCP spec advises for local servers) |
/// | `--port` | `PORT` | `9000` |
/// | `--allowed-origin` (repeatable) | `ALLOWED_ORIGINS` (comma-separated) | none beyond localhost |
/// | `--allowed-host` (repeatable) | `ALLOWED_HOSTS` (comma-separated) | none beyond localhost |
/// | `--log-level` | `LOG_LEVEL` | `info` |
///
/// ```swift
/// struct Options: ParsableCommand {
///     @OptionGroup var server: ServerOptions
/// }
/// ```
public import ArgumentParser
import Foundation
public import Logging

public struct ServerOptions: ParsableArguments, Sendable {
    @Option(help: "Address to bind. Keep the loopback default unless you mean to expose the server.")
    public var host: String = "127.0.0.1"

    @Option(help: "Port to listen on. (default: $PORT, else 9000; 8080 for step 9)")
    var port: Int?

    @Option(
        name: .customLong("allowed-origin"),
        help:
            "A browser origin to allow besides localhost, e.g. https://inspector.example (repeatable; also $ALLOWED_ORIGINS)."
    )
    var extraOrigins: [String] = []

    @Option(
        name: .customLong("allowed-host"),
        help: "A Host header value to allow besides localhost names (repeatable; also $ALLOWED_HOSTS).")
    var extraHosts: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. (default: $LOG_LEVEL, else info)")
    var logLevel: String?

    public init() {}

    /// The port to bind: `--port`, else `PORT`, else 9000.
    public var listenPort: Int { port(default: 9000) }

    /// The port to bind: `--port`, else `PORT`, else `fallback`.
    public func port(default fallback: Int) -> Int {
        port ?? Self.environment["PORT"].flatMap(Int.init) ?? fallback
    }

    /// Browser origins allowed besides the localhost ones.
    public var allowedOrigins: [String] {
        extraOrigins.isEmpty ? Self.commaSeparated("ALLOWED_ORIGINS") : extraOrigins
    }

    /// Host header values allowed besides the localhost names.
    public var allowedHosts: [String] {
        extraHosts.isEmpty ? Self.commaSeparated("ALLOWED_HOSTS") : extraHosts
    }

    /// Uses `origins` and `hosts` (step 10's env file) where neither a flag nor the environment names any.
    public mutating func addDefaults(origins: [String], hosts: [String]) {
        if allowedOrigins.isEmpty { extraOrigins = origins }
        if allowedHosts.isEmpty { extraHosts = hosts }
    }

    /// The level for the server's logger.
    public var resolvedLogLevel: Logger.Level {
        (logLevel ?? Self.environment["LOG_LEVEL"]).flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
    }

    public func validate() throws {
        if let raw = Self.environment["PORT"], port == nil, Int(raw).map({ (0...65535).contains($0) }) != true {
            throw ValidationError("PORT must be a port number (0-65535), got '\(raw)'.")
        }
        if let port, !(0...65535).contains(port) {
            throw ValidationError("--port must be between 0 and 65535, got \(port).")
        }
        let level = logLevel ?? Self.environment["LOG_LEVEL"]
        if let level, Logger.Level(rawValue: level.lowercased()) == nil {
            throw ValidationError(
                "Unknown log level '\(level)'. Use trace, debug, info, notice, warning, error or critical.")
        }
    }

    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    private static func commaSeparated(_ name: String) -> [String] {
        (environment[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }
}
