/// Stages 5–7 of the client: registration, the authorization request with PKCE, the token exchange; and refresh.
///
/// Introduced in step 11. Going further: a proof of the client's key with each token request
/// (`MCPOAuthClient+DPoP.swift`).
///
/// - SeeAlso: RFC 7591 §3.1, RFC 6749 §4.1, RFC 7636 §4, RFC 8707 §2, RFC 9207 §2.4, RFC 8252 §7.3
import Foundation
import Shared

extension MCPOAuthClient {
    /// The token endpoint's answer (RFC 6749 §5.1).
    struct TokenResponse: Decodable {
        let access_token: String
        let expires_in: Int?
        let refresh_token: String?
        let scope: String?
        /// `Bearer` (RFC 6750), or the scheme of a token bound to a key.
        let token_type: String?
    }

    struct ErrorResponse: Decodable {
        let error: String
        let error_description: String?
        var text: String { error + (error_description.map { ": \($0)" } ?? "") }
    }

    /// Runs stages 5–7 for `scopes`; the tokens, stored. A stored registration is used as it is; if the server turns
    /// out not to know it any more (its authorization endpoint refuses it before any redirect, or its token endpoint
    /// answers `invalid_client`), the client registers again and starts over, once.
    func authorize(with discovered: Discovered, scopes: [String]) async throws -> OAuthClientStore.Tokens {
        let stored = store.registration(issuer: discovered.metadata.issuer)
        do {
            return try await authorize(with: discovered, scopes: scopes, stored: stored)
        } catch OAuthFlowError.clientUnknown(let detail) {
            guard let stored, preRegistered == nil, clientIDURL == nil else {
                throw OAuthFlowError.clientUnknown(detail)
            }
            say(
                "⑤ \(discovered.metadata.issuer) no longer knows the stored client \(stored.clientID) (\(detail)): registering again"
            )
            return try await authorize(with: discovered, scopes: scopes, stored: nil)
        }
    }

    /// Stages 5–7 with `stored` as the registration to reuse, if any.
    func authorize(
        with discovered: Discovered, scopes: [String], stored: OAuthClientStore.Registration?
    ) async throws -> OAuthClientStore.Tokens {
        let metadata = discovered.metadata
        var receiver: LoopbackReceiver?
        if case .paste = login {
        } else {
            let port = stored.flatMap { URLComponents(string: $0.redirectURI)?.port } ?? 0
            receiver = try? await LoopbackReceiver.start(port: port)
            if receiver == nil { receiver = try await LoopbackReceiver.start(port: 0) }
        }
        defer { if let receiver { Task { await receiver.stop() } } }
        let redirectURI = receiver?.redirectURI ?? stored?.redirectURI ?? "http://127.0.0.1:8765/callback"
        let registration = try await registration(
            for: metadata, redirectURI: redirectURI, stored: stored, scopes: scopes)

        let pkce = PKCEVerifier()
        let state = RealmState.randomToken()
        guard let endpoint = metadata.authorizationEndpoint, var url = URLComponents(string: endpoint),
            ["http", "https"].contains(url.scheme?.lowercased() ?? "")
        else { throw OAuthFlowError.unsafeAuthorizationEndpoint(metadata.authorizationEndpoint ?? "none") }
        let parameters = [
            ("response_type", "code"), ("client_id", registration.clientID), ("redirect_uri", registration.redirectURI),
            ("scope", scopes.joined(separator: " ")), ("state", state), ("code_challenge", pkce.challenge),
            ("code_challenge_method", PKCEVerifier.method), ("resource", discovered.resource),
        ]
        url.percentEncodedQuery = ((url.percentEncodedQuery.map { [$0] } ?? []) + [FormFields.encode(parameters)])
            .joined(separator: "&")
        let authorizationURL = url.string ?? endpoint
        say(
            "⑥ authorization request (PKCE S256, state, resource=\(discovered.resource), scope=\"\(scopes.joined(separator: " "))\"):"
        )
        say("   \(authorizationURL)")

        if let stored, registration.clientID == stored.clientID, preRegistered == nil, clientIDURL == nil {
            try await checkKnown(at: authorizationURL)
        }
        let redirect = try await signIn(at: authorizationURL, receiver: receiver)
        // RFC 9207 §2.4, error responses too: an iss is compared as is; none, where the server says it sends one, is
        // refused; a server that does not say so may send none.
        if let iss = redirect["iss"] {
            guard iss == metadata.issuer else {
                throw OAuthFlowError.issuerMismatch(expected: metadata.issuer, got: iss)
            }
        } else if metadata.authorizationResponseIssParameterSupported == true {
            throw OAuthFlowError.issuerMissing(metadata.issuer)
        }
        guard redirect["state"] == state else { throw OAuthFlowError.stateMismatch }
        if let error = redirect["error"] {
            throw OAuthFlowError.authorizationRefused(error + (redirect["error_description"].map { ": \($0)" } ?? ""))
        }
        guard let code = redirect["code"] else {
            throw OAuthFlowError.authorizationRefused("the redirect carries no code")
        }
        say(
            "⑦ redirect received: state ✔\(redirect["iss"] == nil ? "" : ", iss ✔"); exchanging the code (with the PKCE verifier\(narration.exchangeProof))"
        )

        let form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", registration.redirectURI),
            ("code_verifier", pkce.verifier), ("resource", discovered.resource),
        ]
        return try await requestTokens(
            metadata, form, client: registration, resource: discovered.resource, fallbackScope: scopes)
    }

    /// Stage 5, in MCP 2025-11-25's order: a Client ID Metadata Document where the server takes one; else
    /// pre-registered credentials; else the stored registration if the server still knows it; else a new one
    /// (RFC 7591).
    func registration(
        for metadata: AuthorizationServerMetadata, redirectURI: String, stored: OAuthClientStore.Registration?,
        scopes: [String]
    ) async throws -> OAuthClientStore.Registration {
        if let clientIDURL {
            if metadata.clientIDMetadataDocumentSupported == true {
                say("⑤ client_id is this client's metadata document, \(clientIDURL): nothing to register")
                let registration = OAuthClientStore.Registration(
                    issuer: metadata.issuer, clientID: clientIDURL, clientSecret: nil, redirectURI: redirectURI,
                    tokenEndpointAuthMethod: "none")
                try store.save(registration)  // for refreshing later
                return registration
            }
            say(
                "⑤ \(metadata.issuer) does not take client metadata documents (no client_id_metadata_document_supported)"
            )
        }
        if let preRegistered {
            // A secret goes the way the server prefers, HTTP Basic unless it lists only the form (RFC 6749 §2.3.1).
            let methods = metadata.tokenEndpointAuthMethodsSupported ?? ["client_secret_basic"]
            let method =
                preRegistered.secret == nil
                ? "none" : methods.contains("client_secret_basic") ? "client_secret_basic" : "client_secret_post"
            say("⑤ using the pre-registered client \(preRegistered.clientID) (\(method)), redirect URI \(redirectURI)")
            return OAuthClientStore.Registration(
                issuer: metadata.issuer, clientID: preRegistered.clientID, clientSecret: preRegistered.secret,
                redirectURI: redirectURI, tokenEndpointAuthMethod: method)
        }
        if let stored, stored.redirectURI == redirectURI {
            say("⑤ reusing client \(stored.clientID) from \(store.path("client.json"))")
            return stored
        }
        if stored != nil { say("⑤ the stored client's redirect URI was another: registering again") }
        guard let endpoint = metadata.registrationEndpoint else {
            throw OAuthFlowError.registrationRefused("the server offers no registration endpoint")
        }
        // A native app (RFC 8252), which keeps no secret: MCP 2026-07-28 asks for application_type.
        let request: [String: Any] = [
            "client_name": clientName, "redirect_uris": [redirectURI], "application_type": "native",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"], "token_endpoint_auth_method": "none", "scope": scopes.joined(separator: " "),
        ]
        let body = try JSONSerialization.data(withJSONObject: request, options: [.sortedKeys])
        let response = try await http.send(
            "POST", endpoint, headers: [("Content-Type", "application/json")], body: body)
        guard response.status == 201 || response.status == 200 else {
            throw OAuthFlowError.registrationRefused(
                (try? response.json(ErrorResponse.self).text) ?? "HTTP \(response.status)")
        }
        struct Registered: Decodable {
            let client_id: String
            let client_secret: String?
            let token_endpoint_auth_method: String?
        }
        let registered = try response.json(Registered.self)
        // The server may register another method than asked: the one it answers with is the one to use.
        let registration = OAuthClientStore.Registration(
            issuer: metadata.issuer, clientID: registered.client_id, clientSecret: registered.client_secret,
            redirectURI: redirectURI, tokenEndpointAuthMethod: registered.token_endpoint_auth_method ?? "none")
        try store.save(registration)
        say(
            "⑤ registered (RFC 7591) as client \(registered.client_id), redirect URI \(redirectURI); stored in \(store.path("client.json")) (0600)"
        )
        return registration
    }

    /// Before a person signs in with a stored registration: the authorization request itself, as a browser would
    /// send it. A server that no longer knows the client answers with an error page (RFC 6749 §4.1.2.1 forbids
    /// redirecting for an unknown client), which a browser would show and never come back from.
    ///
    /// - Throws: ``OAuthFlowError/clientUnknown(_:)`` for a 400 or 401.
    func checkKnown(at authorizationURL: String) async throws {
        let page = try await http.send("GET", authorizationURL)
        guard page.status == 400 || page.status == 401 else { return }
        throw OAuthFlowError.clientUnknown(FormLoginBrowser.message(in: page.text) ?? "HTTP \(page.status)")
    }

    /// Stage 6, the person's part: the login, however it is done; the redirect's query.
    func signIn(at url: String, receiver: LoopbackReceiver?) async throws -> [String: String] {
        switch login {
        case .form(let username, let password):
            say("   signing in as \(username) through the login form, as a browser would")
            _ = try await FormLoginBrowser(http: http, username: username, password: password).signIn(at: url)
            guard let receiver else { throw OAuthFlowError.noRedirect(.zero) }
            return try await receiver.wait(timeout: .seconds(10))
        case .browser:
            say("   opening your browser (if it does not open, open the URL above yourself)")
            Self.openBrowser(url)
            guard let receiver else { throw OAuthFlowError.noRedirect(.zero) }
            say("   waiting up to 5 minutes for the browser to come back to \(receiver.redirectURI)")
            return try await receiver.wait(timeout: .seconds(300))
        case .paste:
            say(
                "   open the URL above, sign in, then paste here the address your browser was sent to (Ctrl-D to give up):"
            )
            guard let pasted = readLine(strippingNewline: true), !pasted.isEmpty else {
                throw OAuthFlowError.authorizationRefused("nothing was pasted")
            }
            return URLComponents(string: pasted).map {
                Dictionary(($0.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { first, _ in first }
            } ?? [:]
        }
    }

    /// Opens `url` with the platform's opener, directly (never through a shell, so the URL cannot become a command).
    static func openBrowser(_ url: String) {
        let opener = ["/usr/bin/open", "/usr/bin/xdg-open"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let opener else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }

    /// Refreshes `tokens` when they have expired; nil when they cannot be refreshed.
    func refresh(
        _ tokens: OAuthClientStore.Tokens, with discovered: Discovered
    ) async throws -> OAuthClientStore.Tokens? {
        guard tokens.expiresAt <= Date(), let refreshToken = tokens.refreshToken,
            let registration = store.registration(issuer: discovered.metadata.issuer)
        else { return nil }
        say(
            "⑦ the stored access token has expired: refreshing it\(narration.refreshProof)"
        )
        let form = [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
        return try? await requestTokens(
            discovered.metadata, form, client: registration, resource: discovered.resource, fallbackScope: tokens.scope)
    }

    /// A token request (``postTokenRequest(_:_:headers:)``); the tokens, checked, stored.
    func requestTokens(
        _ metadata: AuthorizationServerMetadata, _ form: [(String, String)], client: OAuthClientStore.Registration,
        resource: String, fallbackScope: [String]
    ) async throws
        -> OAuthClientStore.Tokens
    {
        guard let endpoint = metadata.tokenEndpoint else {
            throw OAuthFlowError.tokenRefused("the server offers no token endpoint")
        }
        let credentials = client.credentials()
        let response = try await postTokenRequest(endpoint, form + credentials.form, headers: credentials.headers)
        guard response.status == 200, let answer = try? response.json(TokenResponse.self) else {
            let refusal = try? response.json(ErrorResponse.self)
            if refusal?.error == "invalid_client" {
                throw OAuthFlowError.clientUnknown(refusal?.text ?? "invalid_client")
            }
            throw OAuthFlowError.tokenRefused(refusal?.text ?? "HTTP \(response.status)")
        }
        let binding = try checkedBinding(of: answer)
        let tokens = OAuthClientStore.Tokens(
            resource: resource, issuer: metadata.issuer, accessToken: answer.access_token,
            refreshToken: answer.refresh_token,
            expiresAt: Date().addingTimeInterval(TimeInterval(answer.expires_in ?? 300)),
            scope: answer.scope.map { $0.split(separator: " ").map(String.init) } ?? fallbackScope,
            tokenType: tokenType, boundKeyThumbprint: dpopKey?.thumbprint)
        try store.save(tokens)
        let refresh = tokens.refreshToken == nil ? "" : " and refresh token"
        say(
            "   ← \(narration.issuedToken)access token (scope \"\(tokens.scope.joined(separator: " "))\")\(refresh), stored in \(store.path("tokens.json")) (0600)"
        )
        if let binding { say("   \(binding)") }
        return tokens
    }
}
