/// Lets through only requests with a valid bearer token, and says who sent them.
///
/// Introduced in step 6. Reads `Authorization: Bearer <token>` (the scheme is
/// case-insensitive; one space; a token in the query string or the body is not
/// looked at), verifies it with a ``TokenVerifier``, and puts the
/// ``AuthenticatedUser`` in the context. Everything else ends here with 401 and
/// a `WWW-Authenticate` challenge, before the request body is read.
///
/// ```swift
/// router.group("mcp").add(middleware: BearerTokenMiddleware(verifier: verifier, challenge: BearerChallenge()))
/// ```
///
/// The log names the user, scopes and key of an accepted token, and the reason
/// for a refused one; never the token.
///
/// Throws ``AuthRejection`` (401; 503 when no keys are loaded).
/// - SeeAlso: RFC 6750 §2.1 (Authorization Request Header Field), §3 (WWW-Authenticate)
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

    /// Who sent `request`, or the 401 (503) it gets; both logged. (A function of its own for speed: its frame is freed
    /// before `next` runs; see Benchmarks/README.md.)
    func caller(of request: Request, logger: Logger) async throws(AuthRejection) -> AuthenticatedUser {
        do {
            let user = try await verifier.verify(try Self.bearerToken(in: request.headers[values: .authorization]))
            try Self.refuseBound(user)  // a token bound to a DPoP key is no bearer token (RFC 9449 §7.2)
            logger.debug("authenticated \(user.username) scopes=[\(user.scopeList)] kid=\(user.keyID ?? "-")")
            return user
        } catch {
            logger.notice("refused \(request.method) \(request.uri.path): \(error.detail)")
            throw AuthRejection(error, challenge: challenge)
        }
    }

    /// The token of the one `Authorization: Bearer <token>` header (one or more spaces after `Bearer`).
    ///
    /// - Throws: ``AuthFailure/missingToken`` or ``AuthFailure/malformedHeader(_:)``.
    package static func bearerToken(in values: [String]) throws(AuthFailure) -> String {
        guard let value = values.first else { throw .missingToken }
        guard values.count == 1 else { throw .malformedHeader("More than one Authorization header") }
        // On bytes, and lower-casing only the scheme: the header is hundreds of bytes, and this runs on every request.
        let (scheme, credentials) = AuthorizationHeader.split(value)
        // `| 0x20` folds the case of a letter, and turns no other byte into one of "bearer"'s.
        guard scheme.utf8.elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }) else {
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
