/// The client's side of DPoP: a proof with every token request, and tokens it checks are bound to its key.
///
/// Going further: DPoP (step 11 `--dpop`). A client holding a ``DPoPKey``
/// sends a proof of it to the token endpoint (code exchange and refresh), so
/// the authorization server binds the tokens to the key's thumbprint; then
/// ``MCPHTTPSession`` sends `Authorization: DPoP <token>` and a fresh proof
/// with every MCP request. Before it uses a token the client checks the
/// binding it asked for:
///
/// - the token response's `token_type` must be `DPoP` (RFC 9449 §5: an
///   authorization server that issued a bearer token says `Bearer`);
/// - when the access token is a JWT it can read, its `cnf.jkt` must be this
///   key's thumbprint (RFC 9449 §6.1). The client does not verify the
///   token's signature (the resource does); the check catches a token bound
///   to no key or to another one, whose use would fail or leak.
///
/// The key lives in memory for one run: DPoP tokens stored by a run whose key
/// is gone are discarded, and the client authorizes again.
///
/// Throws ``OAuthFlowError/tokenNotDPoPBound(_:)`` or
/// ``OAuthFlowError/tokenBoundToAnotherKey(expected:got:)``.
///
/// - SeeAlso: RFC 9449 §5 (DPoP Access Token Request), §6.1 (JWK Thumbprint Confirmation Method), RFC 7638
import Foundation
import Shared

extension MCPOAuthClient {
    /// What the narration adds for a client holding a key; empty (nil for the session) for bearer tokens.
    struct Narration {
        var storedToken = "", exchangeProof = "", refreshProof = "", issuedToken = ""
        var session: String?
    }

    var narration: Narration {
        guard dpopKey != nil else { return Narration() }
        return Narration(
            storedToken: "DPoP ", exchangeProof: " and a DPoP proof",
            refreshProof: " (with a DPoP proof of the same key)",
            issuedToken: "DPoP-bound ",
            session: "with DPoP: Authorization: DPoP <token>, a new proof (htm, htu, ath, jti) per request")
    }

    /// Says which key this run holds, if any.
    func announceKey() {
        guard let dpopKey else { return }
        say(
            "DPoP: a P-256 key made for this run, thumbprint \(dpopKey.thumbprint) (RFC 7638), signs a proof for each token and MCP request"
        )
    }

    /// The token type the client stores: `DPoP` with a key (``checkBinding(of:to:)`` checked it), else `Bearer`.
    var tokenType: String { dpopKey == nil ? "Bearer" : "DPoP" }

    /// Stops a client without a key at a resource that takes bound tokens only (RFC 9728 §2,
    /// `dpop_bound_access_tokens_required`); what the narration says of it.
    ///
    /// - Throws: ``OAuthFlowError/dpopRequired(_:)``.
    func checkBindingRequirement(of document: ResourceMetadataDocument) throws(OAuthFlowError) -> String {
        guard document.dpop_bound_access_tokens_required == true else { return "" }
        guard dpopKey != nil else { throw .dpopRequired(document.resource) }
        return ", DPoP-bound tokens required"
    }

    /// Whether the authorization server lists the key's algorithm, for the narration; "" without a key.
    func proofAlgorithmNote(_ metadata: AuthorizationServerMetadata) -> String {
        guard dpopKey != nil else { return "" }
        return
            ", DPoP ES256 \(metadata.dpopSigningAlgValuesSupported?.contains("ES256") == true ? "✔" : "not advertised")"
    }

    /// POSTs a token request, with a proof of the key if the client holds one. A token endpoint that wants a nonce of
    /// its own in the proof (400 `use_dpop_nonce` with `DPoP-Nonce`, RFC 9449 §9) gets the request once more, with
    /// it: nothing was spent, the code is still good.
    func postTokenRequest(
        _ endpoint: String, _ form: [(String, String)], headers: [(String, String)]
    ) async throws -> ClientHTTP.Response {
        let response = try await http.postForm(
            endpoint, form, headers: headers + (try tokenRequestProof(for: endpoint)))
        guard response.status == 400, dpopKey != nil, let nonce = response.header("DPoP-Nonce"),
            (try? response.json(ErrorResponse.self).error) == DPoPProofError.useNonceCode
        else { return response }
        say("   ← use_dpop_nonce: the token endpoint wants its nonce in the proof; again, with it (RFC 9449 §9)")
        return try await http.postForm(
            endpoint, form, headers: headers + (try tokenRequestProof(for: endpoint, nonce: nonce)))
    }

    /// The `DPoP` header of a token request to `endpoint`; none without a key.
    func tokenRequestProof(for endpoint: String, nonce: String? = nil) throws -> [(String, String)] {
        guard let dpopKey else { return [] }
        return [("DPoP", try dpopKey.proof(method: "POST", url: endpoint, nonce: nonce))]
    }

    /// ``checkBinding(of:to:)`` with this client's key; nil without one.
    func checkedBinding(of answer: TokenResponse) throws(OAuthFlowError) -> String? {
        guard let dpopKey else { return nil }
        return try Self.checkBinding(of: answer, to: dpopKey)
    }

    /// Checks that `answer` is bound to `key`; what was checked, for the narration.
    ///
    /// - Throws: ``OAuthFlowError/tokenNotDPoPBound(_:)`` when `token_type` is not `DPoP` or the JWT has no `cnf.jkt`;
    ///   ``OAuthFlowError/tokenBoundToAnotherKey(expected:got:)`` when its `cnf.jkt` is another key's.
    static func checkBinding(of answer: TokenResponse, to key: DPoPKey) throws(OAuthFlowError) -> String {
        let tokenType = answer.token_type ?? "none"
        guard tokenType.lowercased() == "dpop" else { throw .tokenNotDPoPBound("token_type \(visible(tokenType))") }
        guard let claims = ConfirmationClaims(readableJWT: answer.access_token) else {
            return "token_type DPoP ✔ (the access token is opaque: its binding is the authorization server's word)"
        }
        guard let jkt = claims.cnf?.jkt else { throw .tokenNotDPoPBound("the access token has no cnf.jkt") }
        guard jkt == key.thumbprint else { throw .tokenBoundToAnotherKey(expected: key.thumbprint, got: visible(jkt)) }
        return "token_type DPoP ✔, cnf.jkt \(jkt) = this client's key ✔ (RFC 9449 §6.1)"
    }

    /// A value from the authorization server, fit to print: its first 64 printable ASCII characters.
    static func visible(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.filter { (0x21...0x7E).contains($0.value) }.prefix(64)))
    }

    /// The stored tokens this client can use: bearer tokens, or with a key the DPoP tokens bound to it.
    /// DPoP tokens bound to another key (an earlier run's) are of no use without it: they are discarded.
    func usableStoredTokens() throws -> OAuthClientStore.Tokens? {
        guard let stored = store.tokens(resource: mcpURL, bound: dpopKey != nil) else { return nil }
        guard let dpopKey, stored.boundKeyThumbprint != dpopKey.thumbprint else { return stored }
        say(
            "   the stored DPoP token is bound to key \(stored.boundKeyThumbprint ?? "-"), which this run does not hold: discarding it"
        )
        try store.removeTokens(resource: mcpURL, bound: true)
        return nil
    }

    /// The `cnf` claim of an access token that is a JWT, read without verifying it.
    struct ConfirmationClaims: Decodable {
        struct Confirmation: Decodable {
            let jkt: String?
        }
        let cnf: Confirmation?

        /// nil when `token` is not three dot-separated parts whose second is base64url JSON.
        init?(readableJWT token: String) {
            let parts = token.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, let payload = Data(base64URLEncoded: parts[1]),
                let claims = try? JSONDecoder().decode(Self.self, from: payload)
            else { return nil }
            self = claims
        }
    }
}
