/// A DPoP proof that passed every check: the key it proves, and what it said.
///
/// Introduced in step 10, Going further: DPoP. A DPoP proof is a short-lived
/// JWT the client signs for one request with a key of its own, and sends in
/// the `DPoP` header. ``DPoPProofVerifier`` returns one of these; its
/// ``thumbprint`` is what an access token is bound to (`cnf.jkt`).
///
/// ```text
/// header  {"alg":"ES256","jwk":{"crv":"P-256","kty":"EC","x":"…","y":"…"},"typ":"dpop+jwt"}
/// claims  {"ath":"fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo","htm":"POST","htu":"http://localhost:9000/mcp",
///          "iat":1760000000,"jti":"e1j3V_bKic8-LAEB"}
/// ```
///
/// - SeeAlso: RFC 9449 §4.2 (DPoP Proof JWT Syntax), §6.1 (JWK Thumbprint Confirmation Method)
import Crypto
public import Foundation
public import HTTPTypes

public struct DPoPProof: Sendable, Equatable {
    /// The public key from the proof's `jwk` header.
    public let jwk: JSONWebKey
    /// The key's RFC 7638 thumbprint: the `cnf.jkt` of a token bound to it.
    public let thumbprint: String
    /// The proof's unique id.
    public let jti: String
    public let issuedAt: Date

    /// The `ath` claim for `accessToken`: base64url(SHA-256(ASCII(token))) (RFC 9449 §4.2).
    public static func accessTokenHash(_ accessToken: String) -> String {
        Data(SHA256.hash(data: Data(accessToken.utf8))).base64URLEncodedString()
    }
}

extension HTTPField.Name {
    /// `DPoP`, the request header that carries a DPoP proof (RFC 9449 §4.1).
    public static var dpop: Self { HTTPField.Name("DPoP")! }
    /// `DPoP-Nonce`: the nonce a server requires in the next proof (RFC 9449 §8, §9).
    public static var dpopNonce: Self { HTTPField.Name("DPoP-Nonce")! }
}

/// The protected header of a DPoP proof, with the names of its `jwk`'s members (to find private ones).
struct DPoPProofHeader: Decodable {
    let typ: String?
    let alg: String?
    let jwk: JSONWebKey?
    let jwkMembers: Set<String>
    let crit: [String]?

    enum CodingKeys: String, CodingKey {
        case typ, alg, jwk, crit
    }

    struct MemberName: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        typ = try container.decodeIfPresent(String.self, forKey: .typ)
        alg = try container.decodeIfPresent(String.self, forKey: .alg)
        jwk = try container.decodeIfPresent(JSONWebKey.self, forKey: .jwk)
        crit = try container.decodeIfPresent([String].self, forKey: .crit)
        jwkMembers =
            container.contains(.jwk)
            ? Set(try container.nestedContainer(keyedBy: MemberName.self, forKey: .jwk).allKeys.map(\.stringValue)) : []
    }
}

/// The claims of a DPoP proof, each optional so a missing one can be named.
struct DPoPProofClaims: Decodable {
    let jti: String?
    let htm: String?
    let htu: String?
    /// NumericDate: seconds since 1970, possibly with a fraction.
    let iat: Double?
    let ath: String?
    let nonce: String?
}
