/// Just enough media-type parsing for `Content-Type` and `Accept`.
///
/// Introduced in step 2. `Content-Type: application/json; charset=utf-8` is JSON;
/// `Accept: text/html` is not, `Accept: application/*` and `*/*` are, and a
/// range with `q=0` is a refusal.
///
/// - SeeAlso: RFC 9110 §8.3 (Content-Type), §12.5.1 (Accept)
import Foundation

enum MediaType {
    /// `type/subtype` in lower case, parameters dropped.
    static func essence(of value: String) -> String {
        value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    /// Whether an `Accept` header value admits `type` (e.g. `application/json`).
    static func accepts(_ accept: String, _ type: String) -> Bool {
        let major = type.split(separator: "/").first.map(String.init) ?? type
        return accept.split(separator: ",").contains { range in
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let essence = parts.first, essence == type || essence == "\(major)/*" || essence == "*/*" else { return false }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0
        }
    }
}
