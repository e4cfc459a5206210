/// An MCP client that finds its way to a token: the whole of MCP authorization, narrated.
///
/// Introduced in step 11. ``run()`` goes through the stages of MCP 2025-11-25
/// Authorization and says what it sends and receives at each:
///
/// 1. `initialize` without a token → 401;
/// 2. the `WWW-Authenticate` challenge → `resource_metadata` (or the well-known URLs);
/// 3. the protected resource metadata, whose `resource` must be the server called (RFC 9728 §3.3);
/// 4. the authorization server's metadata (RFC 8414 / OIDC discovery), which must offer PKCE `S256`;
/// 5. dynamic registration (RFC 7591), stored 0600 and reused while the server knows it;
/// 6. the authorization URL with PKCE, `state` and `resource` (RFC 8707), and the login;
/// 7. the redirect on a loopback listener (`state` and `iss` checked), the code exchanged for tokens, stored 0600;
/// 8. the MCP calls, with a step-up authorization when a 403 names a missing scope (at most twice).
///
/// Every check that fails stops the flow with an ``OAuthFlowError`` before anything more is sent.
///
/// Going further: tokens bound to a key of the client's (`MCPOAuthClient+DPoP.swift`).
///
/// ```swift
/// let client = MCPOAuthClient(mcpURL: "http://localhost:9000/mcp", store: OAuthClientStore(directory: ".step11"), login: .browser, http: .make())
/// let outcomes = try await client.run()
/// ```
import Foundation
import MCP
public import Shared

public struct MCPOAuthClient: Sendable {
    /// How the user signs in at the authorization endpoint.
    public enum Login: Sendable {
        /// Open the system browser; the redirect comes back to the loopback listener.
        case browser
        /// Print the URL, read the redirect URL pasted back (the posts' way).
        case paste
        /// Post the login form as a browser would (the demo and the tests).
        case form(username: String, password: String)
    }

    /// What one MCP operation came to.
    public struct Outcome: Sendable, Equatable, CustomStringConvertible {
        public let operation: String
        public let succeeded: Bool
        public let detail: String
        public var description: String { "\(succeeded ? "✔" : "✘") \(operation) → \(detail)" }
    }

    public let mcpURL: String
    public let store: OAuthClientStore
    public let login: Login
    public let clientName: String
    public let message: String
    /// The key the tokens are bound to (`MCPOAuthClient+DPoP.swift`); nil for bearer tokens.
    public let dpopKey: DPoPKey?
    /// Credentials registered with the authorization server beforehand (`--client-id`, `--client-secret`): used
    /// instead of registering (MCP 2025-11-25's second way to have a client, before dynamic registration).
    public let preRegistered: (clientID: String, secret: String?)?
    /// The URL of this client's metadata document (`--client-id-url`): its `client_id` where the authorization server
    /// takes one (MCP 2025-11-25's first way to have a client, before pre-registered credentials).
    public let clientIDURL: String?
    let http: ClientHTTP
    let discovery: AuthorizationServerDiscovery
    let say: @Sendable (String) -> Void

    public init(
        mcpURL: String, store: OAuthClientStore, login: Login, http: ClientHTTP,
        clientName: String = "step11 MCP client",
        message: String = "hello from step 11", dpop: DPoPKey? = nil,
        preRegistered: (clientID: String, secret: String?)? = nil, clientIDURL: String? = nil,
        say: @escaping @Sendable (String) -> Void = { printLine($0) }
    ) {
        self.preRegistered = preRegistered
        self.clientIDURL = clientIDURL
        self.mcpURL = mcpURL
        self.store = store
        self.login = login
        self.http = http
        self.clientName = clientName
        self.message = message
        self.dpopKey = dpop
        self.discovery = AuthorizationServerDiscovery(http: http.http)
        self.say = say
    }

    /// What discovery found: the resource, its authorization server, and what that server offers.
    struct Discovered: Sendable {
        let resource: String
        let scopesSupported: [String]
        let metadata: AuthorizationServerMetadata
    }

    // MARK: The flow

    /// The `initialize` params this client sends: the newest version it speaks, its name.
    var initialize: Value {
        [
            "protocolVersion": .string(ProtocolVersion.latest), "capabilities": [:],
            "clientInfo": ["name": .string(clientName), "version": "1.0"],
        ]
    }

    public func run() async throws -> [Outcome] {
        var session = MCPHTTPSession(http: http, url: mcpURL, dpopKey: dpopKey)
        announceKey()
        var tokens = try usableStoredTokens()
        var discovered: Discovered?
        session.accessToken = tokens?.accessToken
        let stored = "the \(narration.storedToken)token stored in \(store.path("tokens.json"))"
        say("① POST \(mcpURL)  initialize \(tokens == nil ? "without a token" : "with \(stored)")")
        if case .challenged(let status, let challenges) = try await session.call(Initialize.name, params: initialize) {
            say("   ← \(status) WWW-Authenticate: \(challenges.map(Self.render).joined(separator: ", "))")
            let found = try await discover(from: challenges)
            discovered = found
            if let stored = tokens, stored.issuer != found.metadata.issuer {
                // 2026-07-28: credentials of one authorization server are never offered to another.
                say(
                    "   the resource's authorization server is now \(found.metadata.issuer), not \(stored.issuer): authorizing again"
                )
                tokens = nil
            }
            if let stored = tokens, let refreshed = try await refresh(stored, with: found) {
                tokens = refreshed
            } else {
                tokens = try await authorize(with: found, scopes: Self.requestedScopes(challenges, found))
            }
            session.accessToken = tokens?.accessToken
        } else {
            say("   ← 200: the stored token is still good")
        }
        say("⑧ MCP session \(narration.session ?? "with the bearer token")")
        _ = try await session.call(Initialize.name, params: initialize)
        try await session.notify(InitializedNotification.name)
        let kept = session.sessionID == nil ? "" : ", session \(session.sessionID ?? "")"
        say("   initialize ✔ (version \(session.protocolVersion ?? "?")\(kept))  notifications/initialized ✔")
        var outcomes: [Outcome] = []
        let operations: [(String, String, Value)] = [
            ("tools/list", ListTools.name, [:]),
            ("tools/call echo", CallTool.name, ["name": "echo", "arguments": ["message": .string(message)]]),
            ("prompts/list", ListPrompts.name, [:]),
        ]
        for (label, method, params) in operations {
            let outcome = try await perform(
                label, method, params, session: &session, tokens: &tokens, discovered: &discovered)
            say("   \(outcome)")
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// One operation, with up to two step-up authorizations when the server answers 403 `insufficient_scope`.
    func perform(
        _ label: String, _ method: String, _ params: Value, session: inout MCPHTTPSession,
        tokens: inout OAuthClientStore.Tokens?,
        discovered: inout Discovered?
    ) async throws -> Outcome {
        for attempt in 0...2 {
            switch try await session.call(method, params: params) {
            case .result(let result):
                return Outcome(operation: label, succeeded: true, detail: Self.summary(of: result))
            case .rpcError(let code, let message, let detail):
                return Outcome(
                    operation: label, succeeded: false, detail: "\(code) \(message)\(detail.map { ": \($0)" } ?? "")")
            case .challenged(let status, let challenges):
                let failed = challenges.first { $0.parameters["error"] != nil } ?? challenges.first
                guard status == 403, failed?.parameters["error"] == "insufficient_scope",
                    let needed = failed?.parameters["scope"]
                else {
                    return Outcome(
                        operation: label, succeeded: false,
                        detail: "HTTP \(status) \(failed?.parameters["error_description"] ?? "")")
                }
                guard attempt < 2 else { throw OAuthFlowError.stillForbidden("\(label) needs \(needed)") }
                say(
                    "   \(label) ← 403 insufficient_scope, scope=\"\(needed)\": step-up authorization \(attempt + 1) of 2"
                )
                let found: Discovered
                if let discovered { found = discovered } else { found = try await discover(from: challenges) }
                discovered = found
                let neededScopes = needed.split(separator: " ").map(String.init)
                let held = Set(tokens?.scope ?? [])
                let wanted =
                    found.scopesSupported.filter { held.contains($0) || neededScopes.contains($0) }
                    + neededScopes.filter { !found.scopesSupported.contains($0) }
                let stepped = try await authorize(with: found, scopes: wanted)
                let missing = needed.split(separator: " ").map(String.init).filter { !stepped.scope.contains($0) }
                tokens = stepped
                session.accessToken = stepped.accessToken
                guard missing.isEmpty else {
                    let reason = OAuthFlowError.scopeNotGranted(missing.joined(separator: " ")).description
                    say("   \(reason)")
                    return Outcome(
                        operation: label, succeeded: false,
                        detail: "403 insufficient_scope: \(missing.joined(separator: " ")) not granted")
                }
            }
        }
        throw OAuthFlowError.stillForbidden(label)
    }

    // MARK: Stages 2–4: discovery

    func discover(from challenges: [AuthenticationChallenge]) async throws -> Discovered {
        // Each URL with the resource identifier its document must name (RFC 9728 §3.3): the URL called, for a
        // challenge's resource_metadata; for a well-known URL, the identifier it was built from.
        var candidates: [(url: String, resource: String)]
        if let url = Self.parameter("resource_metadata", in: challenges) {
            say("② the challenge names the resource metadata: \(url)")
            candidates = [(url, mcpURL)]
        } else {
            candidates = Self.wellKnownResourceMetadataURLs(for: mcpURL)
            say("② no resource_metadata in the challenge; trying \(candidates.map(\.url).joined(separator: ", then "))")
        }
        var found: (document: ResourceMetadataDocument, expected: String)?
        var tried: [String] = []
        for candidate in candidates where found == nil {
            let response = try await http.send("GET", candidate.url, headers: [("Accept", "application/json")])
            if response.status == 200, let parsed = try? response.json(ResourceMetadataDocument.self) {
                found = (parsed, candidate.resource)
            } else {
                tried.append("\(candidate.url): HTTP \(response.status)")
            }
        }
        guard let (document, expected) = found else {
            throw OAuthFlowError.noResourceMetadata(tried.joined(separator: "; "))
        }
        guard document.resource == expected else {
            throw OAuthFlowError.resourceMismatch(expected: expected, got: document.resource)
        }
        guard let issuer = document.authorization_servers?.first else { throw OAuthFlowError.noAuthorizationServer }
        let required = try checkBindingRequirement(of: document)
        let which = expected == mcpURL ? "it is the server called" : "the origin of the server called (root metadata)"
        say("③ resource \(document.resource) ✔ (\(which))\(required); authorization server \(issuer)")
        let metadata = try await discovery.metadata(for: issuer)
        guard metadata.codeChallengeMethodsSupported?.contains(PKCEVerifier.method) == true else {
            throw OAuthFlowError.pkceNotSupported(issuer)
        }
        let proofs = proofAlgorithmNote(metadata)
        let documents =
            clientIDURL == nil
            ? "" : ", client metadata documents \(metadata.clientIDMetadataDocumentSupported == true ? "✔" : "✘")"
        say(
            "④ metadata of \(issuer): issuer ✔, PKCE S256 ✔\(proofs), registration \(metadata.registrationEndpoint == nil ? "✘" : "✔")\(documents)"
        )
        return Discovered(
            resource: document.resource, scopesSupported: document.scopes_supported ?? [], metadata: metadata)
    }

    /// RFC 9728 §3.1: the path-scoped well-known URL, then the root one, each with the resource identifier it is
    /// built from (`https://host/mcp` for the first, `https://host` for the root).
    public static func wellKnownResourceMetadataURLs(for resource: String) -> [(url: String, resource: String)] {
        guard let components = URLComponents(string: resource), let scheme = components.scheme,
            let host = components.host
        else { return [] }
        let origin = "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")"
        let path = components.path == "/" ? "" : components.path
        return (path.isEmpty ? [] : [(origin + ProtectedResourceMetadata.wellKnownPath + path, resource)]) + [
            (origin + ProtectedResourceMetadata.wellKnownPath, origin)
        ]
    }

    /// The scopes to ask for: the challenge's `scope`, else everything the resource lists.
    static func requestedScopes(_ challenges: [AuthenticationChallenge], _ discovered: Discovered) -> [String] {
        if let scope = parameter("scope", in: challenges) { return scope.split(separator: " ").map(String.init) }
        return discovered.scopesSupported
    }

    /// The first value of parameter `name` among the challenges, whichever their scheme.
    static func parameter(_ name: String, in challenges: [AuthenticationChallenge]) -> String? {
        challenges.lazy.compactMap { $0.parameters[name] }.first
    }

    struct ResourceMetadataDocument: Decodable {
        let resource: String
        let authorization_servers: [String]?
        let scopes_supported: [String]?
        /// RFC 9728 §2; read in `MCPOAuthClient+DPoP.swift`.
        let dpop_bound_access_tokens_required: Bool?
    }

    // MARK: Helpers

    static func render(_ challenge: AuthenticationChallenge) -> String {
        ([challenge.scheme] + challenge.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" })
            .joined(separator: " ")
    }

    static func summary(of result: Value) -> String {
        if let tools = result.objectValue?["tools"]?.arrayValue {
            return tools.compactMap { $0.objectValue?["name"]?.stringValue }.joined(separator: ", ")
        }
        if let prompts = result.objectValue?["prompts"]?.arrayValue {
            return prompts.compactMap { $0.objectValue?["name"]?.stringValue }.joined(separator: ", ")
        }
        if let echo = result.objectValue?["structuredContent"]?.objectValue?["echo"]?.stringValue { return echo }
        return "\(result)"
    }
}
