/// A client's DPoP key, and the proofs it signs: one fresh proof per request.
///
/// Introduced in step 10, Going further: DPoP, for the tests; the client of
/// step 11 can hold one too. The client makes an EC P-256 key once, sends a
/// proof with its token request (the authorization server binds the tokens to
/// the key's thumbprint), and then a new proof with every request that uses
/// the token. A stolen token is useless without the private key, which never
/// leaves the client.
///
/// ```swift
/// let key = DPoPKey()
/// let forToken = try key.proof(method: "POST", url: tokenEndpoint)
/// let forCall = try key.proof(method: "POST", url: "http://localhost:9000/mcp", accessToken: token)
/// // Authorization: DPoP <token>
/// // DPoP: <forCall>
/// ```
///
/// Proofs are ES256 (the signature is `r || s`, 64 bytes, RFC 7518 §3.4), with
/// a random 128-bit `jti`; `htu` is sent without query and fragment.
///
/// - SeeAlso: RFC 9449 §4.2 (DPoP Proof JWT Syntax), §7 (Protected Resource Access)
public import Crypto
public import Foundation

public struct DPoPKey: Sendable {
    public let privateKey: P256.Signing.PrivateKey
    /// The public key as the proofs' `jwk` header carries it.
    public let publicJWK: JSONWebKey
    /// The `cnf.jkt` of the tokens bound to this key.
    public let thumbprint: String

    /// A new key, or `privateKey`.
    public init(_ privateKey: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) {
        self.privateKey = privateKey
        publicJWK = JSONWebKey.p256(privateKey.publicKey)
        thumbprint = publicJWK.thumbprint ?? ""  // always present for a P-256 JWK
    }

    /// A proof for one request: `method` to `url`, with `accessToken` (hashed into `ath`) when one is sent.
    ///
    /// - Throws: when signing fails (swift-crypto).
    public func proof(
        method: String, url: String, accessToken: String? = nil, nonce: String? = nil, issuedAt: Date = Date(),
        jti: String = Self.randomJTI()
    ) throws -> String {
        let header = Header(typ: DPoPProofVerifier.proofType, alg: "ES256", jwk: publicJWK)
        let target =
            url.split(separator: "#", maxSplits: 1).first.flatMap { $0.split(separator: "?", maxSplits: 1).first }.map(
                String.init) ?? url
        let claims = Claims(
            jti: jti, htm: method, htu: target, iat: Int(issuedAt.timeIntervalSince1970),
            ath: accessToken.map(DPoPProof.accessTokenHash), nonce: nonce)
        let input =
            try Self.encoder.encode(header).base64URLEncodedString() + "."
            + Self.encoder.encode(claims).base64URLEncodedString()
        return input + "."
            + (try privateKey.signature(for: Data(input.utf8))).rawRepresentation.base64URLEncodedString()
    }

    /// 16 random bytes, base64url.
    public static func randomJTI() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64URLEncodedString()
    }

    struct Header: Encodable {
        let typ: String
        let alg: String
        let jwk: JSONWebKey
    }

    struct Claims: Encodable {
        let jti: String
        let htm: String
        let htu: String
        let iat: Int
        let ath: String?
        let nonce: String?
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
