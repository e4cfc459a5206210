/// What the client keeps between runs: its registration and its tokens, in files only its user can read.
///
/// Introduced in step 11. Two JSON files in the state directory (default
/// `.step11/`), written with permissions 0600: `client.json` (the registered
/// client, per authorization server) and `tokens.json` (the tokens, per
/// resource). A registration is reused on the next run, and replaced when the
/// authorization server no longer knows it.
///
/// Tokens record their binding: a resource may have one bearer entry and one
/// entry bound to a key of the client's (Going further, `MCPOAuthClient+DPoP.swift`),
/// which is good only to a client that still holds that key.
public import Foundation

public struct OAuthClientStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// A client registered with an authorization server (RFC 7591).
    public struct Registration: Codable, Sendable, Equatable {
        public let issuer: String
        public let clientID: String
        public let clientSecret: String?
        public let redirectURI: String
        /// How the client authenticates at the token endpoint (RFC 7591 §2): `none`, `client_secret_basic` or
        /// `client_secret_post`; nil in files written before it was kept (then: `client_secret_post` with a secret).
        public var tokenEndpointAuthMethod: String?

        public init(
            issuer: String, clientID: String, clientSecret: String?, redirectURI: String,
            tokenEndpointAuthMethod: String? = nil
        ) {
            self.issuer = issuer
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.redirectURI = redirectURI
            self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        }

        /// The form fields and headers that authenticate this client at the token endpoint (RFC 6749 §2.3.1).
        public func credentials() -> (form: [(String, String)], headers: [(String, String)]) {
            guard let clientSecret else { return ([("client_id", clientID)], []) }
            switch tokenEndpointAuthMethod {
            case "client_secret_basic":
                let encode = { (value: String) in
                    value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
                }
                let basic = Data("\(encode(clientID)):\(encode(clientSecret))".utf8).base64EncodedString()
                return ([], [("Authorization", "Basic \(basic)")])
            default: return ([("client_id", clientID), ("client_secret", clientSecret)], [])
            }
        }
    }

    /// Tokens for one resource.
    public struct Tokens: Codable, Sendable, Equatable {
        public let resource: String
        public let issuer: String
        public let accessToken: String
        public let refreshToken: String?
        public let expiresAt: Date
        public let scope: [String]
        /// The token response's `token_type`: `Bearer`, or the scheme of tokens bound to a key.
        public let tokenType: String
        /// The RFC 7638 thumbprint of the key the tokens are bound to (their `cnf.jkt`); nil for bearer tokens.
        public let boundKeyThumbprint: String?

        public init(
            resource: String, issuer: String, accessToken: String, refreshToken: String?, expiresAt: Date,
            scope: [String],
            tokenType: String = "Bearer", boundKeyThumbprint: String? = nil
        ) {
            self.resource = resource
            self.issuer = issuer
            self.accessToken = accessToken
            self.refreshToken = refreshToken
            self.expiresAt = expiresAt
            self.scope = scope
            self.tokenType = tokenType
            self.boundKeyThumbprint = boundKeyThumbprint
        }

        /// Whether these tokens are bound to a key.
        public var isBound: Bool { boundKeyThumbprint != nil }

        /// A file written before tokens recorded their binding holds bearer tokens.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            resource = try container.decode(String.self, forKey: .resource)
            issuer = try container.decode(String.self, forKey: .issuer)
            accessToken = try container.decode(String.self, forKey: .accessToken)
            refreshToken = try container.decodeIfPresent(String.self, forKey: .refreshToken)
            expiresAt = try container.decode(Date.self, forKey: .expiresAt)
            scope = try container.decode([String].self, forKey: .scope)
            tokenType = try container.decodeIfPresent(String.self, forKey: .tokenType) ?? "Bearer"
            boundKeyThumbprint = try container.decodeIfPresent(String.self, forKey: .boundKeyThumbprint)
        }
    }

    public func registration(issuer: String) -> Registration? {
        read([Registration].self, "client.json")?.first { $0.issuer == issuer }
    }

    public func save(_ registration: Registration) throws {
        let others = (read([Registration].self, "client.json") ?? []).filter { $0.issuer != registration.issuer }
        try write(others + [registration], "client.json")
    }

    /// The bearer tokens for `resource`, or with `bound` its key-bound ones (whichever key they are bound to).
    public func tokens(resource: String, bound: Bool = false) -> Tokens? {
        read([Tokens].self, "tokens.json")?.first { $0.resource == resource && $0.isBound == bound }
    }

    /// Stores `tokens` in place of those of the same resource and binding.
    public func save(_ tokens: Tokens) throws {
        try write(others(than: tokens.resource, bound: tokens.isBound) + [tokens], "tokens.json")
    }

    /// Forgets the tokens of `resource` with that binding (tokens bound to a key that is gone are of no use).
    public func removeTokens(resource: String, bound: Bool) throws {
        try write(others(than: resource, bound: bound), "tokens.json")
    }

    private func others(than resource: String, bound: Bool) -> [Tokens] {
        (read([Tokens].self, "tokens.json") ?? []).filter { $0.resource != resource || $0.isBound != bound }
    }

    /// The path of `file`, for the narration.
    public func path(_ file: String) -> String { (directory as NSString).appendingPathComponent(file) }

    private func read<T: Decodable>(_ type: T.Type, _ file: String) -> T? {
        guard let data = FileManager.default.contents(atPath: path(file)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(T.self, from: data)
    }

    /// Writes `value` so that only the owner may read it: the directory 0700, the file 0600 from its creation.
    private func write<T: Encodable>(_ value: T, _ file: String) throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder.pretty
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        let target = path(file)
        try? FileManager.default.removeItem(atPath: target)
        guard FileManager.default.createFile(atPath: target, contents: data, attributes: [.posixPermissions: 0o600])
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
        }
    }
}
