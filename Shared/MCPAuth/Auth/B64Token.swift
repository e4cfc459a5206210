/// RFC 6750's b64token alphabet, checked with a byte table: the speed-only part of reading a bearer token.
///
/// Introduced in step 6 (``BearerTokenMiddleware``). ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" / "=", one table
/// lookup per byte: a token is hundreds of bytes, checked on every request, and Unicode character properties cost.
///
/// - SeeAlso: RFC 6750 §2.1
enum B64Token {
    static let bytes: [Bool] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"),
            UInt8(ascii: "/"), UInt8(ascii: "="):
            true
        default: false
        }
    }

    /// Whether every byte of `token` is a b64token byte (read in place: iterating a `UTF8View` costs several times more).
    static func isValid(_ token: String) -> Bool {
        var token = token
        return token.withUTF8 { utf8 in bytes.withUnsafeBufferPointer { table in utf8.allSatisfy { table[Int($0)] } } }
    }
}
