/// Just enough media-type parsing for `Content-Type` and `Accept`.
///
/// Introduced in step 2. `Content-Type: application/json; charset=utf-8` is JSON;
/// `Accept: text/html` is not, `Accept: application/*` and `*/*` are, and a
/// range with `q=0` is a refusal. Parsed on the header's bytes (spaces and tabs
/// trimmed, ASCII case folded): these checks run on every request.
///
/// - SeeAlso: RFC 9110 §8.3 (Content-Type), §12.5.1 (Accept)
package enum MediaType {
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    /// Whether `value`'s `type/subtype` is `essence` (given in lower case): parameters dropped, spaces and tabs
    /// trimmed, ASCII case folded. `application/JSON; charset=utf-8` has the essence `application/json`.
    package static func hasEssence(_ value: String, _ essence: String) -> Bool {
        withBytes(value, essence) { value, essence in equalFoldingCase(typeAndSubtype(of: value), essence) }
    }

    /// Whether an `Accept` header value admits `type` (e.g. `application/json`).
    package static func accepts(_ accept: String, _ type: String) -> Bool {
        withBytes(accept, type) { accept, type in
            var ranges = accept
            while true {
                let comma = ranges.firstIndex(of: UInt8(ascii: ",")) ?? ranges.endIndex
                if admits(ranges[..<comma], type) { return true }
                guard comma < ranges.endIndex else { return false }
                ranges = ranges[(comma + 1)...]
            }
        }
    }

    /// `body` on the UTF-8 bytes of both strings, read in place: walking a `UTF8View` index by index cost several
    /// times more, on every request.
    private static func withBytes(_ first: String, _ second: String, _ body: (Bytes, Bytes) -> Bool) -> Bool {
        var first = first
        var second = second
        return first.withUTF8 { first in second.withUTF8 { second in body(first[...], second[...]) } }
    }

    /// Whether one media range (`application/*;q=0.5`) admits `type`: it names it, its major type with `/*`, or
    /// `*/*`, with a quality above 0.
    private static func admits(_ range: Bytes, _ type: Bytes) -> Bool {
        let parameters = range.firstIndex(of: semicolon) ?? range.endIndex
        let essence = trimmed(range[..<parameters])
        let major = type.prefix { $0 != UInt8(ascii: "/") }
        let named =
            equalFoldingCase(essence, type) || essence.elementsEqual("*/*".utf8)
            || (essence.count == major.count + 2 && equalFoldingCase(essence.prefix(major.count), major)
                && essence.suffix(2).elementsEqual("/*".utf8))
        guard named else { return false }
        return quality(range[parameters...]) > 0
    }

    /// The `q` parameter among `parameters` (`;q=0.5;…`), 1 when there is none.
    private static func quality(_ parameters: Bytes) -> Double {
        for parameter in parameters.split(separator: semicolon) {
            let parameter = trimmed(parameter)
            if parameter.starts(with: "q=".utf8) {
                return Double(String(decoding: parameter.dropFirst(2), as: UTF8.self)) ?? 1
            }
        }
        return 1
    }

    private static let semicolon = UInt8(ascii: ";")

    /// The `type/subtype` of a media type or range: what comes before the first `;`, trimmed.
    private static func typeAndSubtype(of value: Bytes) -> Bytes {
        trimmed(value.prefix { $0 != semicolon })
    }

    /// `bytes` without leading and trailing spaces and tabs (RFC 9110's OWS).
    private static func trimmed(_ bytes: Bytes) -> Bytes {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else {
            return bytes[bytes.endIndex...]
        }
        return bytes[first...last]
    }

    /// Whether `bytes` equals `lowercase` once ASCII upper case is folded.
    private static func equalFoldingCase(_ bytes: Bytes, _ lowercase: some Collection<UInt8>) -> Bool {
        bytes.elementsEqual(lowercase) { byte, lower in
            ((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte) == lower
        }
    }
}
