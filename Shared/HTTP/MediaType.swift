/// Just enough media-type parsing for `Content-Type` and `Accept`.
///
/// Introduced in step 2. `Content-Type: application/json; charset=utf-8` is JSON;
/// `Accept: text/html` is not, `Accept: application/*` and `*/*` are, and a
/// range with `q=0` is a refusal. Parsed on the header's bytes (spaces and tabs
/// trimmed, ASCII case folded): these checks run on every request.
///
/// - SeeAlso: RFC 9110 §8.3 (Content-Type), §12.5.1 (Accept)
enum MediaType {
    /// `type/subtype` in lower case, parameters dropped.
    static func essence(of value: String) -> String {
        lowercased(trimmed(value.utf8.split(separator: semicolon, maxSplits: 1, omittingEmptySubsequences: false)[0]))
    }

    /// Whether an `Accept` header value admits `type` (e.g. `application/json`).
    static func accepts(_ accept: String, _ type: String) -> Bool {
        let major = type.split(separator: "/").first.map(String.init) ?? type
        return accept.utf8.split(separator: UInt8(ascii: ",")).contains { range in
            let parts = range.split(separator: semicolon, omittingEmptySubsequences: false).map(trimmed)
            let essence = lowercased(parts[0])
            guard essence == type || essence == "\(major)/*" || essence == "*/*" else { return false }
            let quality = parts.dropFirst().first { $0.starts(with: "q=".utf8) }.flatMap { Double(String(decoding: $0.dropFirst(2), as: UTF8.self)) }
            return (quality ?? 1) > 0
        }
    }

    private static let semicolon = UInt8(ascii: ";")

    /// `bytes` without leading and trailing spaces and tabs (RFC 9110's OWS).
    private static func trimmed(_ bytes: Substring.UTF8View.SubSequence) -> Substring.UTF8View.SubSequence {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return bytes[bytes.endIndex...]
        }
        return bytes[first...last]
    }

    private static func lowercased(_ bytes: Substring.UTF8View.SubSequence) -> String {
        String(decoding: bytes.lazy.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
