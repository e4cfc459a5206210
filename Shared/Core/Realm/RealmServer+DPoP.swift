/// The token endpoint's DPoP: tokens bound to the key a request proves.
///
/// Introduced in step 10, Going further: DPoP, in the realm server of step 9. A request with a `DPoP` header gets its
/// proof checked (``DPoPProofVerifier``: `htm` POST, `htu` this token
/// endpoint's public URL, no `ath`) before any grant is looked at, so a bad
/// proof (400 `invalid_dpop_proof`) burns no code. The access token is then
/// bound to the proof's key (`cnf.jkt`, `token_type` `DPoP`), for every
/// grant. A public client's refresh token is bound to that key too: it is
/// redeemed only with a proof of the same key (without one:
/// `invalid_dpop_proof`; with another key: `invalid_grant`; either way it
/// stays valid). A confidential client's refresh token is bound to its
/// credentials already, and stays unbound. Without the header, nothing changes
/// (`token_type` `Bearer`).
///
/// - SeeAlso: RFC 9449 §5 (DPoP access token request), §8 and §9 (nonces)
import Foundation
import Hummingbird

extension RealmServer {
    /// The thumbprint of the key the request's `DPoP` proof proves; nil without a `DPoP` header.
    ///
    /// - Throws: `invalid_dpop_proof` (400) for a repeated header or a proof that fails a check.
    func proofKeyThumbprint(_ request: Request) throws(OAuthError) -> String? {
        let sent = request.headers[values: .dpop]
        guard let proof = sent.first else { return nil }
        guard sent.count == 1 else { throw .invalidDPoPProof("More than one DPoP header") }
        do {
            return try proofs.verify(proof, method: "POST", url: tokenEndpoint).thumbprint
        } catch {
            guard error.needsNonce, let nonces = proofs.nonces else { throw .invalidDPoPProof(error.reason) }
            var refusal = OAuthError(code: DPoPProofError.useNonceCode, description: error.reason)
            refusal.headers[.dpopNonce] = nonces.current()
            throw refusal
        }
    }

    /// `token_type` and the access token's `typ`: `DPoP` for a token bound to a key, else `Bearer` (RFC 9449 §5).
    static func tokenType(boundKey: String?) -> String { boundKey == nil ? "Bearer" : "DPoP" }

    /// A public client's refresh token bound to a key, redeemed without a proof: it stays valid.
    static var proofRequiredForBoundRefreshToken: OAuthError {
        .invalidDPoPProof("This refresh token is bound to a DPoP key: send a DPoP proof made with that key")
    }

    /// A bound refresh token, redeemed with a proof of another key: it stays valid.
    static var refreshTokenBoundToAnotherKey: OAuthError {
        .invalidGrant("Refresh token is bound to another DPoP key")
    }
}

extension OAuthError {
    /// A DPoP proof that fails a check (RFC 9449 §5): 400 `invalid_dpop_proof`.
    static func invalidDPoPProof(_ description: String) -> OAuthError {
        .init(code: DPoPProofError.code, description: description)
    }
}
