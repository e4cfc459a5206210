/// The protected header of an access token (a JWS), read before anything else is trusted.
///
/// Introduced in step 6, for ``TokenVerifier``. The header names the algorithm
/// and the key (`alg`, `kid`); it is refused when it declares critical
/// extensions (`crit`) or a type other than an access token's (`typ`: a
/// signed proof of some other kind is not an access token).
///
/// All the tokens one key signs carry the same header bytes, so a
/// ``Cache`` remembers the parsed header by its exact base64url bytes: a new
/// token from a known issuer costs a dictionary lookup here, not a JSON parse.
/// The cache is a memo of a pure function (same bytes, same result), holds
/// headers that parsed and passed the checks above, and is bounded.
///
/// - SeeAlso: RFC 7515 §4.1 (Registered Header Parameter Names), RFC 9068 §2.1 (`typ` `at+jwt`)
import Foundation
import Synchronization

struct JOSEHeader: Decodable, Sendable {
    let alg: String
    let kid: String?
    let typ: String?
    let crit: [String]?

    /// The decoder of every header, made once.
    static let decoder = JSONDecoder()

    /// Types an access token may declare (RFC 9068 §2.1); anything else is not one.
    static let accessTokenTypes: Set<String> = ["jwt", "at+jwt", "application/at+jwt"]

    /// The header of an access token, from its decoded JSON.
    ///
    /// - Throws: ``AuthFailure/invalidToken(_:)`` when it is not a JSON object with a string `alg`, has `crit`, or a `typ`
    ///   that is not an access token's.
    init(_ json: Data) throws(AuthFailure) {
        guard let header = try? Self.decoder.decode(JOSEHeader.self, from: json) else {
            throw .invalidToken("Invalid token")
        }
        if header.crit != nil {
            throw .invalidToken("Token has critical header parameters this server does not understand")
        }
        if let typ = header.typ, !Self.accessTokenTypes.contains(typ.lowercased()) {
            throw .invalidToken("Token type \(LogSafe.clip(typ)) is not an access token")
        }
        self = header
    }

    /// Headers that passed ``JOSEHeader/init(_:)``, by their base64url bytes; at most ``capacity``, emptied when full.
    final class Cache: Sendable {
        let capacity: Int
        private let headers = Mutex<[[UInt8]: JOSEHeader]>([:])

        init(capacity: Int = 32) {
            self.capacity = capacity
        }

        /// The header of `jws`, parsed at most once per distinct header.
        ///
        /// - Throws: what ``JOSEHeader/init(_:)`` throws; a refused header is not remembered.
        func header(of jws: CompactJWS) throws(AuthFailure) -> JOSEHeader {
            let key = Array(jws.encodedHeader)
            if let known = headers.withLock({ $0[key] }) { return known }
            let header = try JOSEHeader(jws.header)
            headers.withLock { headers in
                if headers.count >= capacity { headers.removeAll(keepingCapacity: true) }
                headers[key] = header
            }
            return header
        }

        /// How many headers are remembered now.
        var count: Int { headers.withLock { $0.count } }
    }
}
