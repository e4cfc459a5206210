/// Checks a DPoP proof against the request it came with, as RFC 9449 §4.3 lists the checks.
///
/// Introduced in step 10, Going further: DPoP. Used twice: by the resource
/// server (step 10, for every request with `Authorization: DPoP`) and by the
/// realm server's token endpoint (step 9, which binds the tokens it issues to
/// the proof's key). In order, a proof is refused (``DPoPProofError``) when:
///
/// 1. it is not a compact JWS of three base64url parts with a JSON header, or is over 8 KiB;
/// 2. its `typ` is not exactly `dpop+jwt`, or it has a `crit` header;
/// 3. its `alg` is not an asymmetric algorithm we support (`ES256`, `RS256`):
///    `none` and the `HS*` family end here;
/// 4. its `jwk` header is missing, symmetric (`oct`), carries private key
///    members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`), is not an EC
///    P-256 or RSA (≥ 2048 bits) key, or does not fit `alg`;
/// 5. the signature does not verify with that `jwk`;
/// 6. `jti`, `htm`, `htu` or `iat` is missing; `jti` is empty or over 256 bytes;
/// 7. `htm` is not the request's method;
/// 8. `htu` is not the request's URL, both without query and fragment and
///    normalised (``DPoPTargetURL``). The request's URL is given by the caller,
///    built from the configured public base URL, never from `Host`;
/// 9. `iat` is more than ``maximumAge`` (300 s) in the past or more than
///    ``allowedFutureSkew`` (30 s) in the future;
/// 10. with an access token: `ath` is missing or is not the token's hash, or
///     the token is bound (`cnf.jkt`) to another key than the proof's;
/// 11. with ``nonces`` (a server that requires them), `nonce` is missing or
///     not a fresh one of these ``DPoPNonces`` (``DPoPProofError/needsNonce``:
///     the answer is `use_dpop_nonce` with a `DPoP-Nonce` header to retry with);
/// 12. its `jti` was accepted before within the window (``DPoPReplayCache``).
///
/// The replay check comes last: a proof refused for any other reason leaves
/// nothing behind. Without ``nonces``, a `nonce` claim is ignored. All in
/// memory; one signature check.
///
/// ```swift
/// let proofs = DPoPProofVerifier()
/// let proof = try proofs.verify(header, method: "POST", url: "http://localhost:9000/mcp", accessToken: token, boundTo: user.boundKeyThumbprint)
/// ```
///
/// - SeeAlso: RFC 9449 §4.3 (Checking DPoP Proofs), §11.1 (replay), RFC 8725 §3.1
public import Foundation

public struct DPoPProofVerifier: Sendable {
    /// The proof algorithms accepted, as metadata advertises them (`dpop_signing_alg_values_supported`).
    public static let supportedAlgorithms = ["ES256", "RS256"]
    /// The `typ` every proof must carry.
    public static let proofType = "dpop+jwt"
    public static let maximumProofSize = 8 * 1024
    public static let maximumJTISize = 256
    /// JWK members that only a private (or symmetric) key has.
    static let privateKeyMembers: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// How far in the past `iat` may lie.
    public let maximumAge: TimeInterval
    /// How far in the future `iat` may lie (clock skew).
    public let allowedFutureSkew: TimeInterval
    public let replayCache: DPoPReplayCache
    /// The nonces a proof must carry one of (RFC 9449 §8, §9); nil: none required.
    public let nonces: DPoPNonces?
    let now: @Sendable () -> Date

    public init(
        maximumAge: TimeInterval = 300, allowedFutureSkew: TimeInterval = 30,
        replayCache: DPoPReplayCache = DPoPReplayCache(), nonces: DPoPNonces? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.nonces = nonces
        self.maximumAge = maximumAge
        self.allowedFutureSkew = allowedFutureSkew
        self.replayCache = replayCache
        self.now = now
    }

    /// The verified proof in `proof` (the `DPoP` header's value), sent with `method` to `url`.
    ///
    /// - Parameters:
    ///   - url: the request's URL as this server is reached at: the configured public base URL plus the request path.
    ///   - accessToken: the access token sent with the proof, if any; then `ath` must be its hash.
    ///   - thumbprint: the `cnf.jkt` of that token, if it has one; then the proof's key must be that key.
    /// - Throws: ``DPoPProofError`` naming the first check failed.
    public func verify(
        _ proof: String, method: String, url: String, accessToken: String? = nil, boundTo thumbprint: String? = nil
    ) throws(DPoPProofError) -> DPoPProof {
        guard proof.utf8.count <= Self.maximumProofSize else { throw DPoPProofError("DPoP proof is too large") }
        guard let jws = CompactJWS(proof) else {
            throw DPoPProofError("DPoP proof is not a compact JWS (three base64url parts)")
        }
        guard let header = try? JSONDecoder().decode(DPoPProofHeader.self, from: jws.header) else {
            throw DPoPProofError("DPoP proof header is not a JSON object of the expected types")
        }
        guard header.typ == Self.proofType else {
            throw DPoPProofError(
                "DPoP proof typ must be \(Self.proofType), got \(header.typ.map(LogSafe.clip) ?? "none")")
        }
        guard header.crit == nil else {
            throw DPoPProofError("DPoP proof has critical header parameters this server does not understand")
        }
        guard let algorithm = header.alg, Self.supportedAlgorithms.contains(algorithm) else {
            throw DPoPProofError(
                "DPoP proof algorithm \(header.alg.map(LogSafe.clip) ?? "none") is not accepted (use \(Self.supportedAlgorithms.joined(separator: " ")))"
            )
        }
        let key = try Self.publicKey(header, algorithm: algorithm)
        guard key.verificationKey.isValidSignature(jws.signature, for: jws.signingInput) else {
            throw DPoPProofError("DPoP proof signature does not verify with its jwk")
        }
        guard let claims = try? JSONDecoder().decode(DPoPProofClaims.self, from: jws.payload) else {
            throw DPoPProofError("DPoP proof claims are not a JSON object of the expected types")
        }
        guard let jti = claims.jti, let htm = claims.htm, let htu = claims.htu, let iat = claims.iat else {
            let missing = [
                ("jti", claims.jti == nil), ("htm", claims.htm == nil), ("htu", claims.htu == nil),
                ("iat", claims.iat == nil),
            ]
            throw DPoPProofError("DPoP proof is missing \(missing.filter(\.1).map(\.0).joined(separator: ", "))")
        }
        guard !jti.isEmpty, jti.utf8.count <= Self.maximumJTISize else {
            throw DPoPProofError("DPoP proof jti must be 1 to \(Self.maximumJTISize) bytes")
        }
        guard htm == method else {
            throw DPoPProofError("DPoP proof htm \(LogSafe.clip(htm)) is not the request method \(method)")
        }
        guard let expected = DPoPTargetURL.normalized(url) else {
            throw DPoPProofError("The request URL cannot be compared with htu")
        }
        guard DPoPTargetURL.normalized(htu) == expected else {
            throw DPoPProofError("DPoP proof htu does not match the request URL \(expected)")
        }
        let now = now()
        let issuedAt = Date(timeIntervalSince1970: iat)
        guard issuedAt >= now.addingTimeInterval(-maximumAge) else {
            throw DPoPProofError("DPoP proof is too old (iat more than \(Int(maximumAge)) s ago)")
        }
        guard issuedAt <= now.addingTimeInterval(allowedFutureSkew) else {
            throw DPoPProofError("DPoP proof is issued in the future (iat)")
        }
        if let accessToken {
            guard let ath = claims.ath else {
                throw DPoPProofError("DPoP proof has no ath, the hash of the access token")
            }
            guard ath == DPoPProof.accessTokenHash(accessToken) else {
                throw DPoPProofError("DPoP proof ath does not match the access token")
            }
        }
        if let thumbprint, thumbprint != key.thumbprint {
            throw DPoPProofError("DPoP proof key is not the key the access token is bound to (cnf.jkt)")
        }
        if let nonces {
            guard let nonce = claims.nonce else {
                throw DPoPProofError("This server requires a DPoP nonce: use the one in DPoP-Nonce", needsNonce: true)
            }
            guard nonces.isValid(nonce) else {
                throw DPoPProofError("The DPoP nonce is not a fresh one: use the one in DPoP-Nonce", needsNonce: true)
            }
        }
        switch replayCache.accept(jti, until: now.addingTimeInterval(maximumAge + allowedFutureSkew), now: now) {
        case .accepted: break
        case .replayed: throw DPoPProofError("DPoP proof was already used (jti replayed)")
        case .full: throw DPoPProofError("Too many recent DPoP proofs to remember another; retry shortly")
        }
        return DPoPProof(jwk: key.jwk, thumbprint: key.thumbprint, jti: jti, issuedAt: issuedAt)
    }

    /// The proof's public key, checked to be public, supported and fit for `algorithm`.
    static func publicKey(
        _ header: DPoPProofHeader, algorithm: String
    ) throws(DPoPProofError) -> (jwk: JSONWebKey, verificationKey: VerificationKey, thumbprint: String) {
        guard let jwk = header.jwk else { throw DPoPProofError("DPoP proof has no jwk header") }
        guard jwk.kty != "oct" else {
            throw DPoPProofError("DPoP proof jwk is a symmetric key; it must be a public key")
        }
        let secrets = header.jwkMembers.intersection(privateKeyMembers)
        guard secrets.isEmpty else {
            throw DPoPProofError(
                "DPoP proof jwk carries private key material (\(secrets.sorted().joined(separator: ", "))); send the public key only"
            )
        }
        guard let key = jwk.verificationKey(), let thumbprint = jwk.thumbprint else {
            throw DPoPProofError("DPoP proof jwk is not an EC P-256 or RSA (2048 bits or more) public signing key")
        }
        guard key.algorithm == algorithm else {
            throw DPoPProofError("DPoP proof alg \(algorithm) does not fit its jwk (a \(key.algorithm) key)")
        }
        return (jwk, key, thumbprint)
    }
}
