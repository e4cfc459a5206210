/// Where a step finds its keys.
///
/// Introduced in step 5.
///
/// | flag | environment | default |
/// |---|---|---|
/// | `--keys` | `KEYS_DIR` | `keys` (under the working directory) |
public import ArgumentParser
import Foundation

public struct KeyOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("keys"),
        help: "Directory holding mcp_public_key.pem (and mcp_private_key.pem). (default: $KEYS_DIR, else keys)")
    var keysPath: String?

    public init() {}

    public var directory: KeyDirectory {
        KeyDirectory(path: keysPath ?? ProcessInfo.processInfo.environment["KEYS_DIR"] ?? "keys")
    }
}
