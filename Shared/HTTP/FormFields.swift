/// Reading `application/x-www-form-urlencoded` bodies and query strings.
///
/// Introduced in step 7 (the demo token endpoint); the realm server of step 9
/// reads its token, login and authorization requests the same way.
import Foundation
import HummingbirdCore

enum FormFields {
    /// The fields of `body`, or nil when a field is repeated: OAuth parameters "MUST NOT be
    /// included more than once" (RFC 6749 §3.1), and a repeat is how parameter smuggling starts.
    static func parse(_ body: String) -> [String: String]? {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
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
}
