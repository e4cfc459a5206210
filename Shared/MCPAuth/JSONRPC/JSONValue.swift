/// A JSON document read in one pass over its bytes: how a JSON-RPC message and a token's claims are read.
///
/// Introduced in step 2, where every message body goes through it once
/// (``JSONRPCMessage/parse(_:)``; typed params are then read from the parsed
/// value by ``JSONValueDecoder``), and used again in step 6 for a new token's
/// claims. Both are the JSON every request parses, so they are read by this
/// small, strict RFC 8259 parser instead of `JSONDecoder` (which costs several
/// times the parse itself). Strict means: UTF-8 only, no control characters or
/// lone surrogates in strings, no leading zeros, nothing after the value, at most
/// ``maximumDepth`` nested arrays and objects, and no member name twice in one
/// object (RFC 7519 §4 lets a JWT parser refuse duplicate claim names; taking
/// the first or the last would let two readers of one message disagree).
/// Integers keep every digit (``integer(_:)``); other numbers are `Double`s.
///
/// ```swift
/// guard case .object(let members)? = JSONValue.parse(payload) else { … }
/// ```
///
/// - SeeAlso: RFC 8259 (JSON), RFC 7519 §7.2 step 10 (the claims must be a JSON object)
import Foundation

package enum JSONValue: Equatable, Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    /// A number written without a fraction or an exponent that fits in `Int` (but `-0`, which keeps its sign as a Double).
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case null

    /// Deeper nesting than this is refused: messages and claims are shallow, and recursion must stay bounded.
    package static let maximumDepth = 32

    /// The document in `json`, or nil when it is not exactly one JSON value under the rules above.
    package static func parse(_ json: Data) -> JSONValue? {
        json.withUnsafeBytes { bytes in
            var reader = Reader(bytes: bytes)
            guard let value = reader.value(depth: 0) else { return nil }
            reader.skipWhitespace()
            return reader.index == bytes.count ? value : nil
        }
    }

    package var string: String? { if case .string(let value) = self { value } else { nil } }

    /// The reading position in the document's bytes.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        /// Consumes `literal` (`true`, `false`, `null`) if it comes next.
        mutating func consume(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] { return false }
            index += count
            return true
        }

        mutating func value(depth: Int) -> JSONValue? {
            skipWhitespace()
            switch current {
            case UInt8(ascii: "{")?: return depth < JSONValue.maximumDepth ? object(depth: depth + 1) : nil
            case UInt8(ascii: "[")?: return depth < JSONValue.maximumDepth ? array(depth: depth + 1) : nil
            case UInt8(ascii: "\"")?: return string().map(JSONValue.string)
            case UInt8(ascii: "t")?: return consume("true") ? .bool(true) : nil
            case UInt8(ascii: "f")?: return consume("false") ? .bool(false) : nil
            case UInt8(ascii: "n")?: return consume("null") ? .null : nil
            case .some: return number()
            case nil: return nil
            }
        }

        mutating func object(depth: Int) -> JSONValue? {
            index += 1  // {
            // Room for a JSON-RPC message's small objects at once: grown member by member, each growth rehashed.
            var members = [String: JSONValue](minimumCapacity: 8)
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\""), let name = string() else { return nil }
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let member = value(depth: depth), members.updateValue(member, forKey: name) == nil else {
                    return nil
                }
                skipWhitespace()
                switch current {
                case UInt8(ascii: ",")?: index += 1
                case UInt8(ascii: "}")?:
                    index += 1
                    return .object(members)
                default: return nil
                }
            }
        }

        mutating func array(depth: Int) -> JSONValue? {
            index += 1  // [
            var elements: [JSONValue] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                guard let element = value(depth: depth) else { return nil }
                elements.append(element)
                skipWhitespace()
                switch current {
                case UInt8(ascii: ",")?: index += 1
                case UInt8(ascii: "]")?:
                    index += 1
                    return .array(elements)
                default: return nil
                }
            }
        }

        /// A string at `"`: raw UTF-8 runs are validated and copied as they are; escapes are decoded.
        mutating func string() -> String? {
            index += 1  // "
            var start = index
            var decoded: [UInt8] = []
            var escaped = false
            var ascii = true
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""):
                    let run = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    if !escaped { return ascii ? Self.asciiText(run) : String(validating: run, as: UTF8.self) }
                    decoded.append(contentsOf: run)
                    return String(validating: decoded, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
                    escaped = true
                    index += 1
                    guard escape(into: &decoded) else { return nil }
                    start = index
                case 0x00..<0x20: return nil
                case 0x80...:
                    ascii = false
                    index += 1
                default: index += 1
                }
            }
            return nil
        }

        /// ASCII bytes as a string. Any ASCII is valid UTF-8, so this skips `String(validating:)`, whose generic path
        /// cost more than the rest of a short string's parse.
        static func asciiText(_ run: UnsafeRawBufferPointer) -> String {
            run.withMemoryRebound(to: UInt8.self) { String(decoding: $0, as: UTF8.self) }
        }

        /// One escape after `\`, appended to `output` as UTF-8.
        mutating func escape(into output: inout [UInt8]) -> Bool {
            guard let byte = current else { return false }
            index += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return false }
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one; together they name one scalar.
                    guard consume("\\u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return false }
                    scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { return false }  // a lone low surrogate
                output.append(contentsOf: UTF8.encode(unicode)!)
            default: return false
            }
            return true
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`: an ``integer(_:)`` when it is one that fits, else a finite ``number(_:)``.
        mutating func number() -> JSONValue? {
            let start = index
            if current == UInt8(ascii: "-") { index += 1 }
            if current == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() else { return nil }
            }
            var isInteger = true
            if current == UInt8(ascii: ".") {
                index += 1
                isInteger = false
                guard digits() else { return nil }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                isInteger = false
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard digits() else { return nil }
            }
            let text = Self.asciiText(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            // -0 stays a Double: as an integer it would lose its sign.
            if isInteger, let integer = Int(text), integer != 0 || bytes[start] != UInt8(ascii: "-") {
                return .integer(integer)
            }
            return Double(text).flatMap { $0.isFinite ? .number($0) : nil }
        }

        /// One or more decimal digits.
        mutating func digits() -> Bool {
            let start = index
            while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
            return index > start
        }
    }
}
