/// The authorization endpoint of the realm server: the login form of the authorization-code flow.
///
/// Introduced in step 9. `GET …/auth` checks the request, remembers it, and
/// shows a login form; `POST …/auth` checks the password and redirects back
/// with a single-use code, the client's `state`, and `iss` (RFC 9207).
///
/// The request is checked in the order that keeps a bad request from
/// redirecting anywhere unsafe: an unknown client or a `redirect_uri` that is
/// not one of the client's, exactly, gets an error page and no redirect; after
/// that, errors go back to the client (`invalid_request`, `unsupported_response_type`,
/// `invalid_scope`, `invalid_target`). Every client, confidential ones too,
/// must send a PKCE `S256` challenge (OAuth 2.1, RFC 9700 §2.1.1: a code that
/// leaks is useless without the verifier); `plain` is refused.
///
/// - SeeAlso: RFC 6749 §4.1.1–4.1.2.1, RFC 7636 §4.3, RFC 9207, RFC 8707 §2.1
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension RealmServer {
    /// How long a login form stays valid, and how long a code does.
    static let loginLifetime: TimeInterval = 600
    static let codeLifetime: TimeInterval = 60

    func authorize(_ request: Request, logger: Logger) async throws -> Response {
        guard let query = FormFields.query(request.uri) else {
            return try LoginPage.error("A parameter is repeated.", status: .badRequest)
        }
        guard let clientID = query["client_id"] else {
            return try LoginPage.error("Client not found.", status: .badRequest)
        }
        let found: RealmClient?
        do throws(ClientMetadataError) {
            found = try await lookUpClient(clientID)
        } catch {
            logger.notice("authorization refused: client \(LogSafe.clip(clientID)): \(error)")
            return try LoginPage.error(error.description, status: .badRequest)
        }
        guard let client = found else { return try LoginPage.error("Client not found.", status: .badRequest) }
        guard client.grantTypes.contains("authorization_code") else {
            return try LoginPage.error("Client is not allowed to start a browser flow.", status: .badRequest)
        }
        let redirectURI: String
        let redirectURIGiven = query["redirect_uri"] != nil
        if let given = query["redirect_uri"] {
            guard client.redirectURIs.contains(where: { Self.redirectURI(given, matches: $0) }) else {
                return try LoginPage.error("Invalid parameter: redirect_uri", status: .badRequest)
            }
            redirectURI = given
        } else {
            guard client.redirectURIs.count == 1 else {
                return try LoginPage.error("Missing parameter: redirect_uri", status: .badRequest)
            }
            redirectURI = client.redirectURIs[0]
        }
        let state = query["state"]
        do {
            // A client's state and nonce are opaque, but not unbounded: this server keeps them until the login.
            guard (state?.utf8.count ?? 0) <= 1024, (query["nonce"]?.utf8.count ?? 0) <= 1024 else {
                throw OAuthError.invalidRequest("state and nonce must be at most 1024 bytes")
            }
            guard query["response_type"] == "code" else {
                throw OAuthError(code: "unsupported_response_type", description: "Only response_type=code")
            }
            let challenge = query["code_challenge"]
            if let method = query["code_challenge_method"], method != PKCEVerifier.method {
                throw OAuthError.invalidRequest("Invalid parameter: code_challenge_method (only S256)")
            }
            if challenge != nil, query["code_challenge_method"] == nil {
                throw OAuthError.invalidRequest("Missing parameter: code_challenge_method (S256)")
            }
            guard challenge != nil else {
                throw OAuthError.invalidRequest(
                    "Missing parameter: code_challenge (PKCE S256 is required of every client)")
            }
            if let challenge, !(43...128).contains(challenge.count) {
                throw OAuthError.invalidRequest("Invalid parameter: code_challenge")
            }
            let scope = Self.scopes(query["scope"])
            _ = try realm.grant(client: client, roles: [], requested: scope, resource: nil)
            if let resource = query["resource"] { try checkResource(resource) }
            let pending = RealmState.PendingAuthorization(
                client: client, redirectURI: redirectURI, redirectURIGiven: redirectURIGiven, scope: scope,
                state: state,
                nonce: query["nonce"],
                codeChallenge: challenge,
                resource: query["resource"], expiresAt: self.state.now().addingTimeInterval(Self.loginLifetime))
            let id = await self.state.remember(pending)
            return try LoginPage.form(action: authorizationEndpoint, requestID: id, consent: consent(for: pending))
        } catch let error as OAuthError {
            logger.notice("authorization refused: \(error.code): \(error.description)")
            return redirect(
                to: redirectURI, with: ["error": error.code, "error_description": error.description, "state": state])
        }
    }

    /// Whether `given` is the registered redirect URI `registered`: exactly, or, for a loopback IP literal
    /// (`http://127.0.0.1`, `http://[::1]`), with any port, as a native app's listener gets one at run time
    /// (RFC 8252 §7.3). The scheme, host, path and query must still match exactly.
    static func redirectURI(_ given: String, matches registered: String) -> Bool {
        if given == registered { return true }
        guard var given = URLComponents(string: given), var registered = URLComponents(string: registered),
            given.scheme == "http", registered.scheme == "http",
            ["127.0.0.1", "[::1]", "::1"].contains(given.host ?? "")
        else { return false }
        given.port = nil
        registered.port = nil
        return given == registered
    }

    func login(_ request: Request, logger: Logger) async throws -> Response {
        guard let form = await form(request), let id = form["request_id"],
            let pending = await state.pendingAuthorization(id)
        else {
            return try LoginPage.error(
                "This login form has expired. Go back to the application and start again.", status: .badRequest)
        }
        if form["action"] == "deny" {
            await state.finish(id)
            logger.info("consent denied for client \(pending.client.clientID)")
            return redirect(
                to: pending.redirectURI,
                with: [
                    "error": "access_denied", "error_description": "The user denied the request",
                    "state": pending.state,
                ])
        }
        let username = form["username"] ?? ""
        let user = realm.users[username]
        let throttle = RealmState.FailureKey(username: username, clientID: pending.client.clientID)
        // A throttled attempt is refused like a wrong password, right password or not, known user or not.
        let allowed = await state.mayTry(throttle)
        guard ConstantTime.passwordMatches(form["password"] ?? "", expected: user?.password), allowed, let user,
            user.enabled
        else {
            await state.recordFailure(throttle)
            // Only a name the realm knows is logged: a password typed into the username field must not be.
            logger.notice(
                "login refused for \(user.map { LogSafe.clip($0.username) } ?? "an unknown user"): invalid credentials\(allowed ? "" : " (throttled)")"
            )
            return try LoginPage.form(
                action: authorizationEndpoint, requestID: id, consent: consent(for: pending), username: username,
                error: "Invalid username or password.")
        }
        await state.recordSuccess(throttle)
        await state.finish(id)
        let code = await state.issue(
            RealmState.AuthorizationCode(
                clientID: pending.client.clientID, redirectURI: pending.redirectURI,
                redirectURIGiven: pending.redirectURIGiven, user: user, scope: pending.scope, nonce: pending.nonce,
                codeChallenge: pending.codeChallenge, resource: pending.resource,
                sessionID: UUID().uuidString.lowercased(), sessionStartedAt: state.now(),
                expiresAt: state.now().addingTimeInterval(Self.codeLifetime)))
        logger.info("login: \(user.username) for client \(pending.client.clientID)")
        return redirect(to: pending.redirectURI, with: ["code": code, "state": pending.state])
    }

    /// What the consent part of the login page shows for `pending`: who asks, where the answer goes, what for.
    func consent(for pending: RealmState.PendingAuthorization) -> LoginPage.Consent {
        LoginPage.Consent(
            realm: realm.name, clientName: pending.client.name ?? pending.client.clientID,
            documentHost: ClientMetadataDocuments.isDocumentURL(pending.client.clientID)
                ? URLComponents(string: pending.client.clientID)?.host : nil,
            redirectHost: URLComponents(string: pending.redirectURI).flatMap(\.host) ?? pending.redirectURI,
            scopes: pending.scope.filter { $0 != Realm.openID }.map { ($0, realm.scopes[$0]?.description) },
            resource: pending.resource)
    }

    /// 302 to `uri` with `parameters` (and `iss`, RFC 9207) added to its query.
    func redirect(to uri: String, with parameters: [String: String?]) -> Response {
        var components = URLComponents(string: uri) ?? URLComponents()
        var items = components.queryItems ?? []
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            if let value { items.append(URLQueryItem(name: name, value: value)) }
        }
        items.append(URLQueryItem(name: "iss", value: issuer))
        components.percentEncodedQuery = FormFields.encode(items.map { ($0.name, $0.value ?? "") })
        return Response(status: .found, headers: [.location: components.string ?? uri, .cacheControl: "no-store"])
    }
}

/// The HTML of the login form and of error pages; every value is escaped.
///
/// The form is also the consent page: it shows the client's name and where the answer will go (its redirect host),
/// each scope asked for with its description from the realm, and the resource; **Deny** sends the user back to the
/// client with `error=access_denied`.
enum LoginPage {
    struct Consent {
        let realm: String
        let clientName: String
        /// The host of the client's metadata document, for a client named by one: who vouches for the name.
        let documentHost: String?
        let redirectHost: String
        let scopes: [(name: String, description: String?)]
        let resource: String?
    }

    static func form(
        action: String, requestID: String, consent: Consent, username: String? = nil, error: String? = nil
    ) throws -> Response {
        let message = error.map { #"<p class="error" role="alert">\#(escape($0))</p>"# } ?? ""
        let scopes = consent.scopes.map {
            "<li><code>\(escape($0.name))</code>\($0.description.map { ": " + escape($0) } ?? "")</li>"
        }
        let resource = consent.resource.map { "<p>For the resource <code>\(escape($0))</code>.</p>" } ?? ""
        return page(
            title: "Sign in to \(consent.realm)",
            body: """
                <p><strong>\(escape(consent.clientName))</strong>\(consent.documentHost.map { " (described by <code>\(escape($0))</code>)" } ?? "") asks to act on your behalf; the answer goes to <code>\(escape(consent.redirectHost))</code>.</p>
                \(scopes.isEmpty ? "" : "<p>It asks for:</p><ul>" + scopes.joined() + "</ul>")
                \(resource)
                \(message)
                <form method="post" action="\(escape(action))">
                  <input type="hidden" name="request_id" value="\(escape(requestID))">
                  <label>Username <input name="username" value="\(escape(username ?? ""))" autocomplete="username" required autofocus></label>
                  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
                  <button type="submit" name="action" value="login">Sign in</button>
                  <button type="submit" name="action" value="deny" formnovalidate>Deny</button>
                </form>
                """, status: error == nil ? .ok : .unauthorized)
    }

    static func error(_ message: String, status: HTTPResponse.Status) throws -> Response {
        page(title: "Sign-in error", body: "<p class=\"error\">\(escape(message))</p>", status: status)
    }

    static func page(title: String, body: String, status: HTTPResponse.Status) -> Response {
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto}label{display:block;margin:.8rem 0}input{display:block;width:100%}.error{color:#b00}</style>
            </head><body><h1>\(escape(title))</h1>
            \(body)
            </body></html>
            """
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("X-Frame-Options")!: "DENY",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }
}
