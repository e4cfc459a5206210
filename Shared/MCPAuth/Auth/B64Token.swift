/// RFC 6750's b64token alphabet, checked with a byte table: the speed-only part of reading a bearer token.
///
/// Introduced in step 6 (``BearerTokenMiddleware``). ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" / "=", one table
/// lookup per byte: a token is hundreds of bytes, checked on every request, and Unicode character properties cost.
///
/// - SeeAlso: RFC 6750 §2.1
enum B64Token {
    /// 0 for a b64token byte, 1 for any other.
    static let outside: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            0
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"),
            UInt8(ascii: "/"), UInt8(ascii: "="):
            0
        default: 1
        }
    }

    /// Whether every byte of `token` is a b64token byte.
    ///
    /// Read in place (iterating a `UTF8View` costs several times more), and without a branch per byte: the table's
    /// answers are or-ed together and looked at once, at the end. A valid token is read to its end either way.
    static func isValid(_ token: String) -> Bool {
        var token = token
        return token.withUTF8 { utf8 in
            outside.withUnsafeBufferPointer { table in utf8.reduce(0) { $0 | table[Int($1)] } == 0 }
        }
    }
}
