/// A token and what it says, for people: the `token_<user>.json` that `gen-token` writes.
///
/// Introduced in step 6. The header and claims are decoded from the token
/// itself, without verification: this is for reading, never for trusting.
///
/// ```json
/// {"claims":{"aud":["mcp-server"],"exp":1767139200,…},"header":{"alg":"RS256","kid":"mcp-key-1","typ":"JWT"},"token":"eyJ…"}
/// ```
public import Foundation
public import MCP

public struct TokenFile: Encodable, Sendable {
    public let token: String
    public let header: Value
    public let claims: Value

    /// Splits `token` and decodes its first two parts; undecodable parts become `null`.
    public init(token: String) {
        self.token = token
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        func decode(_ index: Int) -> Value {
            guard parts.indices.contains(index), let data = Data(base64URLEncoded: parts[index]) else { return .null }
            return (try? JSONDecoder().decode(Value.self, from: data)) ?? .null
        }
        self.header = decode(0)
        self.claims = decode(1)
    }
}

extension JSONEncoder {
    /// Indented, sorted keys, slashes unescaped: JSON for people to read.
    public static var pretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
