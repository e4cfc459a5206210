/// Lets through requests with a DPoP-bound token and a fresh proof of its key, or (unless required) a bearer token.
///
/// Introduced in step 10, Going further: DPoP. It takes the place of
/// ``BearerTokenMiddleware`` in front of `/mcp` (steps 6–8 keep that one):
///
/// - `Authorization: DPoP <token>` with exactly one `DPoP: <proof>` header:
///   the token is verified as any other (``TokenVerifier``), must be bound
///   (`cnf.jkt`), and the proof must pass ``DPoPProofVerifier`` for this
///   request: its method, the configured public base URL plus the request
///   path (never the `Host` header), `ath` of this token, and the key the
///   token is bound to;
/// - `Authorization: Bearer <token>`: as in steps 6–8, except that a bound
///   token is refused (RFC 9449 §7.2: a stolen bound token must be useless
///   without the key); with ``DPoPPolicy/required``, refused altogether.
///
/// Everything else ends with 401 and the challenges of ``DPoPChallenge``
/// (``DPoPRejection``). The log names the scheme, user, scopes and key of an
/// accepted request, and the user (when known) and reason of a refused one;
/// never the token or the proof.
///
/// ```swift
/// let middleware = DPoPTokenMiddleware<MCPRequestContext>(
///     verifier: verifier, proofs: DPoPProofVerifier(), publicBaseURL: "http://localhost:9000",
///     challenge: DPoPChallenge(bearer: resource.challenge, policy: .allowed))
/// ```
///
/// Throws ``DPoPRejection`` (401; 503 when no keys are loaded).
/// - SeeAlso: RFC 9449 §7 (Protected Resource Access), RFC 6750 §2.1
import HTTPTypes
public import Hummingbird
import Logging

public struct DPoPTokenMiddleware<Context: AuthenticatedRequestContext>: RouterMiddleware {
    let verifier: TokenVerifier
    let proofs: DPoPProofVerifier
    /// This server's public URL (`MCP_SERVER_URL`): the request URL a proof must name is this plus the request path.
    let publicBaseURL: String
    let challenge: DPoPChallenge

    public init(verifier: TokenVerifier, proofs: DPoPProofVerifier, publicBaseURL: String, challenge: DPoPChallenge) {
        self.verifier = verifier
        self.proofs = proofs
        self.publicBaseURL = publicBaseURL.hasSuffix("/") ? String(publicBaseURL.dropLast()) : publicBaseURL
        self.challenge = challenge
    }

    /// A refusal, with what is known about the request for the answer and the log.
    struct Refusal: Error {
        let failure: AuthFailure
        let scheme: DPoPChallenge.Scheme?
        var username: String?
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.method == .options { return try await next(request, context) }
        var context = context
        context.caller = try await caller(of: request, logger: context.logger)
        return try await next(request, context)
    }

    /// Who sent `request`, or the 401 it gets; both logged.
    ///
    /// Apart from ``handle(_:context:next:)``, as in ``BearerTokenMiddleware``: only a small frame stays allocated
    /// while the rest of the request runs.
    func caller(of request: Request, logger: Logger) async throws(DPoPRejection) -> AuthenticatedUser {
        do {
            let (user, scheme) = try await authenticate(request)
            logger.debug(
                "authenticated \(user.username) via \(scheme == .dpop ? "DPoP jkt=\(user.boundKeyThumbprint ?? "-")" : "Bearer") scopes=[\(user.scopeList)] kid=\(user.keyID ?? "-")"
            )
            return user
        } catch {
            let user = error.username.map { " for \($0)" } ?? ""
            logger.notice("refused \(request.method) \(request.uri.path)\(user): \(error.failure.detail)")
            var nonce: String?
            if case .useDPoPNonce = error.failure { nonce = proofs.nonces?.current() }
            throw DPoPRejection(error.failure, scheme: error.scheme, challenge: challenge, nonce: nonce)
        }
    }

    /// The caller, and how the token came.
    func authenticate(_ request: Request) async throws(Refusal) -> (AuthenticatedUser, DPoPChallenge.Scheme) {
        let (scheme, token) = try credentials(in: request.headers[values: .authorization])
        switch scheme {
        case .bearer:
            guard challenge.policy == .allowed else {
                throw Refusal(
                    failure: .invalidToken(
                        "This resource requires DPoP: send Authorization: DPoP <token> with a DPoP proof"),
                    scheme: .bearer)
            }
            let user = try await verify(token, scheme: .bearer)
            guard user.boundKeyThumbprint == nil else {
                throw Refusal(
                    failure: .invalidToken(BearerTokenMiddleware<Context>.boundTokenAsBearer), scheme: .bearer,
                    username: user.username)
            }
            return (user, .bearer)
        case .dpop:
            let proofs = request.headers[values: .dpop]
            guard let proof = proofs.first else {
                throw Refusal(failure: .invalidDPoPProof("DPoP proof header missing"), scheme: .dpop)
            }
            guard proofs.count == 1 else {
                throw Refusal(failure: .invalidDPoPProof("More than one DPoP header"), scheme: .dpop)
            }
            let user = try await verify(token, scheme: .dpop)
            guard let thumbprint = user.boundKeyThumbprint else {
                throw Refusal(
                    failure: .invalidToken(
                        "Token is not bound to a DPoP key (no cnf.jkt); get a DPoP-bound token, or send this one as Bearer"
                    ),
                    scheme: .dpop, username: user.username)
            }
            do {
                _ = try self.proofs.verify(
                    proof, method: request.method.rawValue, url: publicBaseURL + request.uri.path, accessToken: token,
                    boundTo: thumbprint)
            } catch {
                let failure: AuthFailure =
                    error.needsNonce ? .useDPoPNonce(error.reason) : .invalidDPoPProof(error.reason)
                throw Refusal(failure: failure, scheme: .dpop, username: user.username)
            }
            return (user, .dpop)
        }
    }

    func verify(_ token: String, scheme: DPoPChallenge.Scheme) async throws(Refusal) -> AuthenticatedUser {
        do {
            return try await verifier.verify(token)
        } catch {
            throw Refusal(failure: error, scheme: scheme)
        }
    }

    /// The scheme and token of the one `Authorization` header: `Bearer <token>` or `DPoP <token>` (schemes case-insensitive).
    func credentials(in values: [String]) throws(Refusal) -> (DPoPChallenge.Scheme, String) {
        guard let value = values.first else { throw Refusal(failure: .missingToken, scheme: nil) }
        guard values.count == 1 else {
            throw Refusal(failure: .malformedHeader("More than one Authorization header"), scheme: nil)
        }
        let (schemeName, credentials) = AuthorizationHeader.split(value)
        let scheme: DPoPChallenge.Scheme
        switch schemeName.lowercased() {
        case "bearer": scheme = .bearer
        case "dpop": scheme = .dpop
        default:
            let expected = challenge.policy == .allowed ? "Bearer <token> or DPoP <token>" : "DPoP <token>"
            throw Refusal(failure: .malformedHeader("Authorization header must be: \(expected)"), scheme: nil)
        }
        let name = scheme == .dpop ? "DPoP" : "Bearer"
        let token = String(credentials)
        guard !token.isEmpty else { throw Refusal(failure: .malformedHeader("\(name) token is empty"), scheme: scheme) }
        guard B64Token.isValid(token) else {
            throw Refusal(
                failure: .malformedHeader("\(name) token has characters a token cannot have (spaces?)"), scheme: scheme)
        }
        return (scheme, token)
    }
}
