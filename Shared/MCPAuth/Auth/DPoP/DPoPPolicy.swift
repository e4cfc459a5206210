/// Whether a resource still takes bearer tokens, or only DPoP-bound ones.
///
/// Introduced in step 10, Going further: DPoP, chosen by `DPOP_REQUIRED`.
/// Either way, a DPoP-bound token (`cnf.jkt`) is good only with a proof of
/// its key, and never as `Bearer` (RFC 9449 §7.2).
///
/// | policy | `Authorization: Bearer` | `Authorization: DPoP` + `DPoP` proof | metadata |
/// |---|---|---|---|
/// | ``allowed`` (default) | unbound tokens | bound tokens | `dpop_signing_alg_values_supported` |
/// | ``required`` | refused (401) | bound tokens | plus `dpop_bound_access_tokens_required: true` |
///
/// - SeeAlso: RFC 9449 §7.1–7.2, RFC 9449 §5.2 (resource metadata)
public enum DPoPPolicy: Sendable, Equatable {
    /// Bearer tokens as before, DPoP-bound tokens with their proofs.
    case allowed
    /// DPoP-bound tokens with their proofs only.
    case required
}
