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

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }

    /// The OAuth error code both servers answer with.
    public static let code = "invalid_dpop_proof"
}
