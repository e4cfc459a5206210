/// The RFC 7638 thumbprint of a public JWK: a stable, short name for a key.
///
/// Introduced in step 9, where the realm server names its signing key by its
/// thumbprint (`kid`); a token bound to a client's key names that key by it
/// (`cnf.jkt`). The thumbprint is the
/// SHA-256 of the key's required members only, in lexicographic order, without
/// whitespace, base64url-encoded:
///
/// ```text
/// EC P-256  {"crv":"P-256","kty":"EC","x":"…","y":"…"}
/// RSA       {"e":"AQAB","kty":"RSA","n":"…"}
/// ```
///
/// Optional members (`kid`, `use`, `alg`) do not count, so two JWKs of the same
/// key have the same thumbprint whatever else they say. Pure computation.
///
/// ```swift
/// JSONWebKey.p256(key).thumbprint   // "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"-like
/// ```
///
/// - SeeAlso: RFC 7638 §3, RFC 9449 §6.1
import Crypto
import Foundation

extension JSONWebKey {
    /// The base64url SHA-256 thumbprint; nil for a key type other than EC P-256 and RSA, or one missing a required member.
    public var thumbprint: String? {
        switch kty {
        case "EC":
            guard crv == "P-256", let x, let y else { return nil }
            return Self.thumbprint(ofMembers: #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#)
        case "RSA":
            guard let n, let e else { return nil }
            return Self.thumbprint(ofMembers: #"{"e":"\#(e)","kty":"RSA","n":"\#(n)"}"#)
        default:
            return nil
        }
    }

    /// base64url(SHA-256(UTF-8 of the canonical JSON)).
    static func thumbprint(ofMembers json: String) -> String {
        Data(SHA256.hash(data: Data(json.utf8))).base64URLEncodedString()
    }
}
