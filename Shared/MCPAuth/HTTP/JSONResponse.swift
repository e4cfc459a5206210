/// Compact JSON responses.
///
/// Introduced in step 1. Every JSON body this project writes goes through
/// ``Foundation/JSONEncoder/compact``: no spaces, keys sorted (so the same
/// answer is always the same bytes, and curl output matches the README), and `/`
/// left unescaped (Foundation escapes it as `\/` unless told otherwise), so URLs
/// in bodies read as URLs.
public import Foundation
public import Hummingbird

extension JSONEncoder {
    /// The encoder for every response body: compact, sorted keys, slashes unescaped.
    /// One instance, made once: an encoder is safe to share once configured, and making one per response costs.
    public static let compact: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension Response {
    /// A response whose body is `value` as compact JSON.
    public static func json(
        _ value: some Encodable,
        status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) throws -> Response {
        let data = try JSONEncoder.compact.encode(value)
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
