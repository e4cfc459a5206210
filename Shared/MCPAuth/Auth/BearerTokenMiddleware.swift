/// Lets through only requests with a valid bearer token, and says who sent them.
///
/// Introduced in step 6. Reads `Authorization: Bearer <token>` (the scheme is
/// case-insensitive; one space; a token in the query string or the body is not
/// looked at), verifies it with a ``TokenVerifier``, and puts the
/// ``AuthenticatedUser`` in the context. Everything else ends here with 401 and
/// a `WWW-Authenticate` challenge, before the request body is read. A token
/// bound to a DPoP key (`cnf.jkt`) is refused here: it is only good with a
/// proof of that key (``DPoPTokenMiddleware``, step 10, Going further: DPoP).
///
/// ```swift
/// router.group("mcp").add(middleware: BearerTokenMiddleware(verifier: verifier, challenge: BearerChallenge()))
/// ```
///
/// The log names the user, scopes and key of an accepted token, and the reason
/// for a refused one; never the token.
///
/// Throws ``AuthRejection`` (401; 503 when no keys are loaded).
/// - SeeAlso: RFC 6750 §2.1 (Authorization Request Header Field), §3 (WWW-Authenticate), RFC 9449 §7.2
public import Hummingbird
import Logging

public struct BearerTokenMiddleware<Context: AuthenticatedRequestContext>: RouterMiddleware {
    let verifier: TokenVerifier
    let challenge: BearerChallenge

    public init(verifier: TokenVerifier, challenge: BearerChallenge) {
        self.verifier = verifier
        self.challenge = challenge
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.method == .options { return try await next(request, context) }
        var context = context
        context.caller = try await caller(of: request, logger: context.logger)
        return try await next(request, context)
    }

    /// Who sent `request`, or the 401 (503) it gets; both logged.
    ///
    /// Apart from ``handle(_:context:next:)``, whose frame stays allocated while the rest of the request runs: this
    /// one's, with the token, the verified claims and the log lines, is freed before `next` starts.
    func caller(of request: Request, logger: Logger) async throws(AuthRejection) -> AuthenticatedUser {
        do {
            let user = try await verifier.verify(try Self.bearerToken(in: request.headers[values: .authorization]))
            try Self.refuseBound(user)
            logger.info("authenticated \(user.username) scopes=[\(user.scopeList)] kid=\(user.keyID ?? "-")")
            return user
        } catch {
            logger.notice("refused \(request.method) \(request.uri.path): \(error.detail)")
            throw AuthRejection(error, challenge: challenge)
        }
    }

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

    /// The token of the one `Authorization: Bearer <token>` header (one or more spaces after `Bearer`).
    ///
    /// - Throws: ``AuthFailure/missingToken`` or ``AuthFailure/malformedHeader(_:)``.
    package static func bearerToken(in values: [String]) throws(AuthFailure) -> String {
        guard let value = values.first else { throw .missingToken }
        guard values.count == 1 else { throw .malformedHeader("More than one Authorization header") }
        // On bytes, and lower-casing only the scheme: the header is hundreds of bytes, and this runs on every request.
        let (scheme, credentials) = AuthorizationHeader.split(value)
        guard scheme.utf8.count == 6, scheme.lowercased() == "bearer" else {
            throw .malformedHeader("Authorization header must be: Bearer <token>")
        }
        let token = String(credentials)
        guard !token.isEmpty else { throw .malformedHeader("Bearer token is empty") }
        guard B64Token.isValid(token) else {
            throw .malformedHeader("Bearer token has characters a token cannot have (spaces?)")
        }
        return token
    }
}

/// RFC 6750's b64token: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" / "=", checked on bytes with one table
/// lookup per byte (a token is hundreds of bytes, checked on every request; Unicode character properties cost).
enum B64Token {
    static let bytes: [Bool] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"),
            UInt8(ascii: "/"), UInt8(ascii: "="):
            true
        default: false
        }
    }

    /// Whether every byte of `token` is a b64token byte (read in place: iterating a `UTF8View` costs several times more).
    static func isValid(_ token: String) -> Bool {
        var token = token
        return token.withUTF8 { utf8 in bytes.withUnsafeBufferPointer { table in utf8.allSatisfy { table[Int($0)] } } }
    }
}
