/// This client's metadata document: what it publishes at the URL it uses as its `client_id`.
///
/// Introduced in step 11 (MCP 2025-11-25 Authorization › Client ID Metadata Documents). Instead of registering, a
/// client may name itself by an HTTPS URL it controls; the authorization server fetches this document there. As a
/// native app it is public (`token_endpoint_auth_method` `none`), and its loopback redirect URI matches any port
/// (RFC 8252 §7.3), so one document serves every run.
///
/// ```json
/// {"application_type":"native","client_id":"https://example.com/step11-client.json","client_name":"step11 MCP client",
///  "grant_types":["authorization_code","refresh_token"],"redirect_uris":["http://127.0.0.1/callback"],
///  "response_types":["code"],"token_endpoint_auth_method":"none"}
/// ```
///
/// - SeeAlso: draft-ietf-oauth-client-id-metadata-document §3, RFC 7591 §2
public import Foundation
public import Shared

public struct ClientMetadataDocument: Codable, Sendable, Equatable {
    public var client_id: String
    public var client_name: String
    public var redirect_uris: [String]
    public var grant_types = ["authorization_code", "refresh_token"]
    public var response_types = ["code"]
    public var token_endpoint_auth_method = "none"
    public var application_type = "native"

    /// The document for the client at `url`, named `name`, receiving the redirect on its loopback listener.
    public init(url: String, name: String = "step11 MCP client") {
        client_id = url
        client_name = name
        redirect_uris = ["http://127.0.0.1/callback"]
    }

    /// The document as served: compact JSON, keys sorted.
    public var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }
}

extension ClientHTTP {
    /// Client metadata documents fetched with this client (no redirect followed), for a realm server run in-process
    /// (`step11 --demo --cimd`); `allowsLoopback` is dev mode.
    public func clientMetadataDocuments(allowsLoopback: Bool) -> ClientMetadataDocuments {
        ClientMetadataDocuments(allowsLoopback: allowsLoopback) { url in
            let response = try await send(
                "GET", url, headers: [("Accept", "application/json")],
                until: { $0.count > ClientMetadataDocuments.maximumSize })
            return .init(status: response.status, body: response.body, cacheControl: response.header("Cache-Control"))
        }
    }
}
