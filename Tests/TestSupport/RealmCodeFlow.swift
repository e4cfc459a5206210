/// The authorization code flow against a realm server, as a browser and a public client run it, for the DPoP tests of steps 9–10.
import Foundation
import HTTPTypes
import Hummingbird
public import HummingbirdTesting
public import Shared

public enum RealmCodeFlow {
    /// A redirect URI `mcp-test-client` is registered with.
    public static let redirectURI = "http://127.0.0.1:8765/callback"
    public static let scope = "openid profile email mcp:read mcp:tools mcp:prompts"

    /// The realm's token endpoint path.
    public static let tokenPath = "/realms/mcp-realm/protocol/openid-connect/token"

    /// Logs `username` in through `mcp-test-client` with PKCE `pkce`; the authorization code, if the login succeeded.
    public static func code(
        _ client: some TestClientProtocol, username: String = "mcp-user", password: String = "user123",
        pkce: PKCEVerifier
    ) async throws -> String? {
        let query = [
            ("response_type", "code"), ("client_id", "mcp-test-client"), ("redirect_uri", redirectURI),
            ("scope", scope), ("state", "s"),
            ("code_challenge", pkce.challenge), ("code_challenge_method", "S256"),
        ]
        let uri = "/realms/mcp-realm/protocol/openid-connect/auth?" + FormFields.encode(query)
        guard let requestID = try await client.execute(uri: uri, method: .get).loginRequestID else { return nil }
        let login = try await client.postForm(
            "/realms/mcp-realm/protocol/openid-connect/auth",
            ["request_id": requestID, "username": username, "password": password])
        return login.redirectParameters["code"]
    }

    /// Exchanges `code` (with `pkce`'s verifier), sending `proof` as the `DPoP` header if given.
    public static func exchange(
        _ client: some TestClientProtocol, code: String, pkce: PKCEVerifier, proof: String? = nil
    ) async throws -> TestResponse {
        try await client.postForm(
            tokenPath,
            [
                "grant_type": "authorization_code", "code": code, "client_id": "mcp-test-client",
                "redirect_uri": redirectURI, "code_verifier": pkce.verifier,
            ],
            headers: proof.map { [.dpop: $0] } ?? [:])
    }

    /// Refreshes with `refreshToken`, sending `proof` as the `DPoP` header if given.
    public static func refresh(
        _ client: some TestClientProtocol, _ refreshToken: String, proof: String? = nil
    ) async throws -> TestResponse {
        try await client.postForm(
            tokenPath, ["grant_type": "refresh_token", "refresh_token": refreshToken, "client_id": "mcp-test-client"],
            headers: proof.map { [.dpop: $0] } ?? [:])
    }
}
