/// OAuth requests to a realm server over HTTP, as a client would send them, for the tests of steps 10–11.
import AsyncHTTPClient
import Foundation
import NIOCore

public enum RealmHTTP {
    /// A password-grant access token from the realm server at `baseURL`.
    public static func token(
        baseURL: String, username: String, password: String,
        scope: String = "openid profile email mcp:read mcp:tools mcp:prompts",
        resource: String? = nil
    ) async throws -> String {
        var form =
            "grant_type=password&client_id=mcp-test-client&username=\(username)&password=\(password)&scope=\(scope.replacingOccurrences(of: " ", with: "+"))"
        if let resource {
            form += "&resource=" + (resource.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? resource)
        }
        var request = HTTPClientRequest(url: baseURL + "/realms/mcp-realm/protocol/openid-connect/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        struct Token: Decodable { let access_token: String }
        return try JSONDecoder().decode(Token.self, from: Data(buffer: body)).access_token
    }
}
