/// Base64url without padding, the encoding of JWTs, JWKs and PKCEVerifier.
///
/// Introduced in step 5 (the `n` and `e` of a JWK).
///
/// - SeeAlso: RFC 7515 §2 (Base64url Encoding), RFC 4648 §5
public import Foundation

extension Data {
    /// This data as base64url, without `=` padding.
    public func base64URLEncodedString() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url without padding; nil when `string` is not base64url (see ``init(base64URLEncodedBytes:)``).
    public init?(base64URLEncoded string: some StringProtocol) {
        self.init(base64URLEncodedBytes: string.utf8)
    }

    /// Decodes base64url given as ASCII bytes (part of a token, say); nil when they are not base64url.
    ///
    /// Strict: no padding, no whitespace, no `+` or `/`, no length of the form 4n + 1, and the unused bits of a last
    /// partial group must be zero (RFC 4648 §3.5), so one value has exactly one encoding. Works on bytes with a lookup
    /// table and writes the result once: this runs on the three parts of every token not seen before.
    public init?(base64URLEncodedBytes encoded: some Collection<UInt8>) {
        let decoded =
            encoded.withContiguousStorageIfAvailable { Base64URL.decode(UnsafeRawBufferPointer($0)) }
            ?? Array(encoded).withUnsafeBytes { Base64URL.decode($0) }
        guard let decoded else { return nil }
        self = decoded
    }
}

/// The base64url alphabet as a decoding table.
enum Base64URL {
    /// The 6-bit value of each ASCII byte in the base64url alphabet; 0xFF for every other byte.
    static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8.enumerated() {
            table[Int(byte)] = UInt8(value)
        }
        return table
    }()

    static func decode(_ input: UnsafeRawBufferPointer) -> Data? {
        let remainder = input.count % 4
        guard remainder != 1 else { return nil }
        let outputCount = input.count / 4 * 3 + (remainder == 0 ? 0 : remainder - 1)
        var invalid = false
        var data = Data(count: outputCount)
        data.withUnsafeMutableBytes { (output: UnsafeMutableRawBufferPointer) in
            values.withUnsafeBufferPointer { table in
                var (read, written) = (0, 0)
                while read + 4 <= input.count {
                    let (a, b, c, d) = (
                        table[Int(input[read])], table[Int(input[read + 1])], table[Int(input[read + 2])],
                        table[Int(input[read + 3])]
                    )
                    if (a | b | c | d) & 0xC0 != 0 {
                        invalid = true
                        break
                    }
                    output[written] = a << 2 | b >> 4
                    output[written + 1] = b << 4 | c >> 2
                    output[written + 2] = c << 6 | d
                    (read, written) = (read + 4, written + 3)
                }
                if !invalid, remainder >= 2 {
                    let a = table[Int(input[read])]
                    let b = table[Int(input[read + 1])]
                    let c = remainder == 3 ? table[Int(input[read + 2])] : 0
                    // The bits past the last whole byte must be zero: `AB` and `AC` must not both decode to the same byte.
                    let unused = remainder == 2 ? b & 0x0F : c & 0x03
                    if (a | b | c) & 0xC0 != 0 || unused != 0 { invalid = true }
                    output[written] = a << 2 | b >> 4
                    if remainder == 3 { output[written + 1] = b << 4 | c >> 2 }
                }
            }
        }
        return invalid ? nil : data
    }
}
