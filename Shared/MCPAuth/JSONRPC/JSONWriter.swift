/// JSON written straight into a response's bytes: the fast path of the results every request returns.
///
/// Introduced in step 2, with ``JSONRPCResponse``. `JSONEncoder` builds a tree of
/// boxes for a value and then writes the tree out; for `tools/call`'s result that
/// cost more than verifying the token, parsing the request and running the tool
/// together (see the README's Performance section). A type that conforms to
/// ``JSONWritable`` writes itself instead, and writes exactly the bytes
/// ``Foundation/JSONEncoder/compact`` would: keys in sorted order, `/` unescaped,
/// the same escapes. The tests hold every conformance to that, value by value, so
/// the fast path can never change an answer.
///
/// ```swift
/// extension PingResult: JSONWritable {
///     func write(to json: inout JSONWriter) throws {
///         json.beginObject()
///         if let _meta { json.key("_meta"); try json.write(_meta) }   // keys in sorted order
///         json.endObject()
///     }
/// }
/// ```
///
/// Anything without a conformance (and the parts a conformance leaves to it, such
/// as a `Double`) goes through ``encodeWithJSONEncoder(_:)``, whose output is
/// spliced in: a compact, key-sorted encoding of a part is the same bytes as that
/// part inside the encoding of the whole.
///
/// - SeeAlso: RFC 8259 §7 (strings)
import Foundation
public import MCP
public import NIOCore

public protocol JSONWritable: Encodable {
    /// Writes this value as one JSON value, byte for byte what `JSONEncoder.compact` writes for it.
    func write(to json: inout JSONWriter) throws
}

extension JSONWritable {
    /// This value as compact JSON text.
    public func jsonText() throws -> String {
        var json = JSONWriter()
        try json.write(self)
        return String(buffer: json.buffer)
    }
}

/// A streaming writer: values, and objects and arrays opened and closed around them, separators added as needed.
public struct JSONWriter {
    public private(set) var buffer: ByteBuffer
    /// Whether the next key or value follows a sibling, and needs a comma first.
    private var followsValue = false

    public init(buffer: ByteBuffer = ByteBuffer()) {
        self.buffer = buffer
    }

    /// Writes `value`: itself if it is ``JSONWritable``, otherwise with `JSONEncoder.compact`.
    public mutating func write(_ value: some Encodable) throws {
        if let writable = value as? any JSONWritable {
            try writable.write(to: &self)
        } else {
            try encodeWithJSONEncoder(value)
        }
    }

    /// Writes `value` as `JSONEncoder.compact` encodes it, whatever its conformances.
    public mutating func encodeWithJSONEncoder(_ value: some Encodable) throws {
        let bytes = try JSONEncoder.compact.encode(value)
        separate()
        buffer.writeBytes(bytes)
        followsValue = true
    }

    public mutating func beginObject() { open("{") }
    public mutating func endObject() { close("}") }
    public mutating func beginArray() { open("[") }
    public mutating func endArray() { close("]") }

    /// The name of the next member; a conformance names its members in sorted order, as `.sortedKeys` does.
    public mutating func key(_ name: String) {
        string(name)
        buffer.writeInteger(UInt8(ascii: ":"))
        followsValue = false
    }

    public mutating func null() {
        scalar("null")
    }

    public mutating func bool(_ value: Bool) {
        scalar(value ? "true" : "false")
    }

    public mutating func int(_ value: Int) {
        scalar(String(value))
    }

    /// A string, escaped as `JSONEncoder` escapes it: `"` and `\`, and control characters
    /// (`\b \f \n \r \t`, the rest as `\u00XX`); everything else, `/` and non-ASCII included, as it is.
    public mutating func string(_ value: String) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                buffer.writeBytes(bytes[start..<index])
                writeEscape(of: byte)
                start = index + 1
            }
            buffer.writeBytes(bytes[start...])
        }
        buffer.writeInteger(UInt8(ascii: "\""))
        followsValue = true
    }

    private mutating func writeEscape(of byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): buffer.writeStaticString(#"\""#)
        case UInt8(ascii: "\\"): buffer.writeStaticString(#"\\"#)
        case 0x08: buffer.writeStaticString(#"\b"#)
        case 0x0C: buffer.writeStaticString(#"\f"#)
        case 0x0A: buffer.writeStaticString(#"\n"#)
        case 0x0D: buffer.writeStaticString(#"\r"#)
        case 0x09: buffer.writeStaticString(#"\t"#)
        default:
            func hexDigit(_ nibble: UInt8) -> UInt8 {
                nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            buffer.writeStaticString(#"\u00"#)
            buffer.writeInteger(hexDigit(byte >> 4))
            buffer.writeInteger(hexDigit(byte & 0x0F))
        }
    }

    private mutating func scalar(_ text: String) {
        separate()
        buffer.writeString(text)
        followsValue = true
    }

    private mutating func open(_ bracket: Unicode.Scalar) {
        separate()
        buffer.writeInteger(UInt8(ascii: bracket))
        followsValue = false
    }

    private mutating func close(_ bracket: Unicode.Scalar) {
        buffer.writeInteger(UInt8(ascii: bracket))
        followsValue = true
    }

    private mutating func separate() {
        if followsValue { buffer.writeInteger(UInt8(ascii: ",")) }
    }
}

/// MCP's JSON value (`structuredContent`, schemas, arguments): objects written with their keys sorted.
extension Value: JSONWritable {
    public func write(to json: inout JSONWriter) throws {
        switch self {
        case .null: json.null()
        case .bool(let value): json.bool(value)
        case .int(let value): json.int(value)
        case .string(let value): json.string(value)
        case .double, .data: try json.encodeWithJSONEncoder(self)
        case .array(let elements):
            json.beginArray()
            for element in elements { try element.write(to: &json) }
            json.endArray()
        case .object(let members):
            json.beginObject()
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                json.key(name)
                try member.write(to: &json)
            }
            json.endObject()
        }
    }
}
