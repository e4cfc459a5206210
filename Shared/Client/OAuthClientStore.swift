/// What the client keeps between runs: its registration and its tokens, in files only its user can read.
///
/// Introduced in step 11. Two JSON files in the state directory (default
/// `.step11/`), written with permissions 0600: `client.json` (the registered
/// client, per authorization server) and `tokens.json` (the tokens, per
/// resource). A registration is reused on the next run, and replaced when the
/// authorization server no longer knows it.
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

        public init(issuer: String, clientID: String, clientSecret: String?, redirectURI: String) {
            self.issuer = issuer
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.redirectURI = redirectURI
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

        public init(resource: String, issuer: String, accessToken: String, refreshToken: String?, expiresAt: Date, scope: [String]) {
            self.resource = resource
            self.issuer = issuer
            self.accessToken = accessToken
            self.refreshToken = refreshToken
            self.expiresAt = expiresAt
            self.scope = scope
        }
    }

    public func registration(issuer: String) -> Registration? {
        read([Registration].self, "client.json")?.first { $0.issuer == issuer }
    }

    public func save(_ registration: Registration) throws {
        let others = (read([Registration].self, "client.json") ?? []).filter { $0.issuer != registration.issuer }
        try write(others + [registration], "client.json")
    }

    public func tokens(resource: String) -> Tokens? {
        read([Tokens].self, "tokens.json")?.first { $0.resource == resource }
    }

    public func save(_ tokens: Tokens) throws {
        let others = (read([Tokens].self, "tokens.json") ?? []).filter { $0.resource != tokens.resource }
        try write(others + [tokens], "tokens.json")
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
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder.pretty
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        let target = path(file)
        try? FileManager.default.removeItem(atPath: target)
        guard FileManager.default.createFile(atPath: target, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
        }
    }
}
