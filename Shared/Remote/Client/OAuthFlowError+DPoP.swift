/// A key-bound client's refusals, in words its user can act on.
///
/// Going further: DPoP (step 11 `--dpop`): a resource that takes DPoP-bound
/// tokens only, met without a key; a token response that is not bound to this
/// client's key (``MCPOAuthClient/checkBinding(of:to:)``).
extension OAuthFlowError {
    var bindingDescription: String {
        switch self {
        case .dpopRequired(let resource):
            "\(resource) accepts DPoP-bound tokens only (its metadata says dpop_bound_access_tokens_required, RFC 9728 §2): run with --dpop"
        case .tokenNotDPoPBound(let detail):
            "A DPoP proof was sent, but the token is not bound to its key (\(detail)): refusing to use it"
        case .tokenBoundToAnotherKey(let expected, let got):
            "The access token is bound to key \(got), not to this client's key \(expected) (cnf.jkt, RFC 9449 §6.1): refusing to use it"
        default: ""
        }
    }
}
