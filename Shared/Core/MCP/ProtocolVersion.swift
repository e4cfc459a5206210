/// The MCP protocol versions this server speaks, and how `initialize` picks one.
///
/// Introduced in step 4. The client proposes a version in `initialize`; the server
/// answers with the same version if it supports it, else with its latest. After
/// that, clients send `MCP-Protocol-Version` on every request; a version we do not
/// speak is refused with 400.
///
/// - SeeAlso: MCP 2025-06-18, Basic › Lifecycle › Version Negotiation;
///   Transports › Protocol Version Header
public enum ProtocolVersion {
    /// Newest first.
    public static let supported = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
    public static let latest = supported[0]

    /// The version to answer `initialize` with.
    public static func negotiate(clientRequested version: String) -> String {
        supported.contains(version) ? version : latest
    }
}
