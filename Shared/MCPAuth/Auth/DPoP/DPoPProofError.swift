/// Why a DPoP proof was refused, in words a client developer can act on.
///
/// Introduced in step 10, Going further: DPoP. ``DPoPProofVerifier`` throws
/// it; the resource server answers it with 401 and
/// `WWW-Authenticate: DPoP error="invalid_dpop_proof"`, the token endpoint of
/// the realm server with 400 `{"error":"invalid_dpop_proof"}`. The reason
/// never repeats the proof, and repeats client-sent text only clipped
/// (``LogSafe``).
///
/// - SeeAlso: RFC 9449 §5 (token endpoint errors), §7.1 (resource errors)
public struct DPoPProofError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    /// Whether the proof only lacked a fresh server nonce (answered `use_dpop_nonce` with a `DPoP-Nonce` to use).
    public let needsNonce: Bool

    public init(_ reason: String, needsNonce: Bool = false) {
        self.reason = reason
        self.needsNonce = needsNonce
    }

    public var description: String { reason }

    /// The OAuth error code both servers answer with.
    public static let code = "invalid_dpop_proof"
    /// The error code of a proof without a fresh nonce, where the server requires one (RFC 9449 §8, §9).
    public static let useNonceCode = "use_dpop_nonce"
}
