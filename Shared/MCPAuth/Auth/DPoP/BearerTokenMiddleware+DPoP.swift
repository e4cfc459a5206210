/// The bearer middleware's one DPoP rule: a token bound to a DPoP key (`cnf.jkt`) is refused as a bearer token.
///
/// Introduced in step 10, Going further: DPoP. A bound token is only good with a proof of its key
/// (``DPoPTokenMiddleware``); sent as `Bearer`, anyone who holds it could use it.
///
/// - SeeAlso: RFC 9449 §7.2
extension BearerTokenMiddleware {
    /// Why a DPoP-bound token (`cnf.jkt`) is refused as a bearer token (RFC 9449 §7.2): without its proof, anyone holding it could use it.
    package static var boundTokenAsBearer: String {
        "Token is bound to a DPoP key (cnf.jkt): send it as Authorization: DPoP <token> with a DPoP proof"
    }

    /// Refuses `user` if their token was DPoP-bound: a bearer token it is not.
    ///
    /// - Throws: ``AuthFailure/invalidToken(_:)``.
    package static func refuseBound(_ user: AuthenticatedUser) throws(AuthFailure) {
        if user.boundKeyThumbprint != nil { throw .invalidToken(boundTokenAsBearer) }
    }
}
