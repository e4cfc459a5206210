/// The session's side of DPoP: the token sent in the `DPoP` scheme, a fresh proof with every request, the server's nonce.
///
/// Going further: DPoP (step 11 `--dpop`). With a ``MCPHTTPSession/dpopKey``,
/// the token goes as `Authorization: DPoP <token>`, and every request carries
/// a new proof in the `DPoP` header: signed by that key, naming this request's
/// method and URL (`htm`, `htu`) and the token (`ath`), with a fresh `jti`, so
/// a captured proof cannot be sent again. A server that wants a nonce of its
/// own in the proofs answers 401 `use_dpop_nonce` with a `DPoP-Nonce`; the
/// session sends the request once more with it, and keeps it for the proofs
/// after.
///
/// - SeeAlso: RFC 9449 §7.1 (the DPoP authentication scheme), §8 (resource server nonces)
import Shared

extension MCPHTTPSession {
    /// `Authorization: DPoP <token>` and a proof for this POST; nil when the session holds no key (a bearer token).
    func boundAuthorization(_ token: String) throws -> [(String, String)]? {
        guard let dpopKey else { return nil }
        return [
            ("Authorization", "DPoP \(token)"),
            ("DPoP", try dpopKey.proof(method: "POST", url: url, accessToken: token, nonce: dpopNonce)),
        ]
    }

    /// Whether `response` asks this session's proofs for a nonce (401 `use_dpop_nonce` with `DPoP-Nonce`); the nonce
    /// is then kept, for the request sent again and every proof after it.
    mutating func keepsProofNonce(from response: ClientHTTP.Response) -> Bool {
        guard response.status == 401, dpopKey != nil, let nonce = response.header("DPoP-Nonce"),
            response.headers(named: "WWW-Authenticate").contains(where: { $0.contains(DPoPProofError.useNonceCode) })
        else { return false }
        dpopNonce = nonce
        return true
    }
}
