/// Reading `application/x-www-form-urlencoded` bodies and query strings.
///
/// Introduced in step 7 (the demo token endpoint); the realm server of step 9
/// reads its token, login and authorization requests the same way, and the
/// client of step 11 writes its requests with ``encode(_:)-([(String, String)])``.
import Foundation
import HummingbirdCore

public enum FormFields {
    /// The fields of `body`, or nil when a field is repeated: OAuth parameters "MUST NOT be
    /// included more than once" (RFC 6749 §3.1), and a repeat is how parameter smuggling starts.
    public static func parse(_ body: String) -> [String: String]? {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first, !name.isEmpty else { continue }
            guard fields[name] == nil else { return nil }
            fields[name] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    /// The query of a URL as fields (nil when a field is repeated).
    static func query(_ uri: URI) -> [String: String]? {
        parse(uri.query ?? "")
    }

    /// `pairs` as a form body or query: `name=value&…`, every character but the unreserved ones percent-encoded.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    /// `value` with every character but the unreserved ones (RFC 3986 §2.3) percent-encoded.
    public static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
