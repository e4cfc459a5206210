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
        try write(to: &json)
        return String(decoding: json.bytes, as: UTF8.self)
    }
}

/// A streaming writer: values, and objects and arrays opened and closed around them, separators added as needed.
///
/// The bytes gather in an array, copied once into a ``buffer`` at the end: appending to an array costs a fraction of
/// writing each byte into a `ByteBuffer`.
public struct JSONWriter {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8]
    /// Whether the next key or value follows a sibling, and needs a comma first.
    private var followsValue = false

    /// A writer with nothing written yet.
    public init() {
        self.init(bytes: EmptyCollection())
    }

    /// A writer that continues `buffer`'s bytes (a response's opening, say).
    public init(buffer: ByteBuffer) {
        self.init(bytes: buffer.readableBytesView)
    }

    /// A writer that continues `bytes` (a response's opening, say), with room for a small answer up front.
    package init(bytes: some Collection<UInt8>) {
        self.bytes = []
        self.bytes.reserveCapacity(Swift.max(256, bytes.count * 2))
        self.bytes.append(contentsOf: bytes)
    }

    /// The JSON written so far, as a buffer for a response's body.
    public var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }

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
        self.bytes.append(contentsOf: bytes)
        followsValue = true
    }

    public mutating func beginObject() { open("{") }
    public mutating func endObject() { close("}") }
    public mutating func beginArray() { open("[") }
    public mutating func endArray() { close("]") }

    /// The name of the next member; a conformance names its members in sorted order, as `.sortedKeys` does.
    public mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
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
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                bytes.append(contentsOf: utf8)  // nothing to escape, as in most keys and values: one copy
                return
            }
            var start = 0
            for (index, byte) in utf8.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: utf8[start..<index])
                writeEscape(of: byte)
                start = index + 1
            }
            bytes.append(contentsOf: utf8[start...])
        }
        bytes.append(UInt8(ascii: "\""))
        followsValue = true
    }

    private mutating func writeEscape(of byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            func hexDigit(_ nibble: UInt8) -> UInt8 {
                nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            bytes.append(hexDigit(byte >> 4))
            bytes.append(hexDigit(byte & 0x0F))
        }
    }

    private mutating func scalar(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        followsValue = true
    }

    private mutating func open(_ bracket: Unicode.Scalar) {
        separate()
        bytes.append(UInt8(ascii: bracket))
        followsValue = false
    }

    private mutating func close(_ bracket: Unicode.Scalar) {
        bytes.append(UInt8(ascii: bracket))
        followsValue = true
    }

    private mutating func separate() {
        if followsValue { bytes.append(UInt8(ascii: ",")) }
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
