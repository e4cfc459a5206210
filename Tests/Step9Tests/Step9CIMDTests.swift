/// Step 9: clients named by a Client ID Metadata Document (MCP 2025-11-25): advertised, fetched, shown on the login
/// page, held to the document's redirect URIs, and through the whole code flow as public clients.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import TestSupport
import Testing

@testable import step9

@Suite("Step 9: Client ID Metadata Documents")
struct Step9CIMDTests {
    static let clientURL = "http://127.0.0.1:9999/step11-client.json"

    /// The step-9 router on a realm whose client documents come from `fake` (dev mode: loopback allowed).
    func app(_ fake: FakeDocumentFetch?) async throws -> some ApplicationProtocol {
        let documents = fake.map { fake in
            ClientMetadataDocuments(allowsLoopback: true) { try await fake.fetch($0) }
        }
        let server = try await RealmServer(
            realm: RealmFixture.realm(), baseURL: "http://localhost:8080", clientDocuments: documents)
        return Application(router: makeRouter(try ServerOptions.parse([]), realmServer: server))
    }

    @Test("the metadata says client_id_metadata_document_supported only when documents are fetched")
    func advertised() async throws {
        let path = realmPath + "/.well-known/openid-configuration"
        try await app(FakeDocumentFetch()).test(.router) { client in
            let metadata = try await client.get(path).json()
            #expect(metadata["client_id_metadata_document_supported"] == true)
        }
        try await app(nil).test(.router) { client in
            let metadata = try await client.get(path).json()
            #expect(metadata["client_id_metadata_document_supported"] == nil)
            let page = try await login(client, clientID: Self.clientURL, redirectURI: "http://127.0.0.1:5555/callback")
            #expect(page.status == .badRequest && page.text.contains("Client not found"))
        }
    }

    @Test(
        "a document client signs in with PKCE and redeems its code as a public client; the page names it and its host")
    func codeFlow() async throws {
        let fake = FakeDocumentFetch([Self.clientURL: FakeDocumentFetch.document(Self.clientURL)])
        try await app(fake).test(.router) { client in
            let redirectURI = "http://127.0.0.1:5555/callback"
            let pkce = PKCEVerifier()
            let form = try await client.get(
                authPath + "?response_type=code&client_id=\(Self.clientURL.formEncoded)"
                    + "&redirect_uri=\(redirectURI.formEncoded)&code_challenge=\(pkce.challenge)"
                    + "&code_challenge_method=S256&state=s1")
            #expect(form.status == .ok)
            #expect(form.text.contains("<strong>Example App</strong> (described by <code>127.0.0.1</code>)"))
            let redirect = try await login(client, clientID: Self.clientURL, redirectURI: redirectURI, pkce: pkce)
            let code = try #require(redirect.redirectParameters["code"])
            let tokens = try await client.postForm(
                tokenPath,
                [
                    "grant_type": "authorization_code", "code": code, "client_id": Self.clientURL,
                    "redirect_uri": redirectURI, "code_verifier": pkce.verifier,
                ])
            #expect(tokens.status == .ok)
            #expect(claims(try tokens.json()["access_token"]?.stringValue)["azp"] == .string(Self.clientURL))
            #expect(fake.calls.withLock { $0 } == 1)  // fetched once, then from the cache
        }
    }

    @Test("a redirect URI the document does not list, or a document that fails its checks, gets an error page")
    func refused() async throws {
        let liar = "http://127.0.0.1:9999/liar.json"
        let fake = FakeDocumentFetch([
            Self.clientURL: FakeDocumentFetch.document(Self.clientURL),
            liar: FakeDocumentFetch.document(liar, ["client_id": "https://trusted.example/app.json"]),
        ])
        try await app(fake).test(.router) { client in
            let unlisted = try await login(
                client, clientID: Self.clientURL, redirectURI: "https://evil.example/callback")
            #expect(unlisted.status == .badRequest && unlisted.text.contains("redirect_uri"))
            let lying = try await login(client, clientID: liar, redirectURI: "http://127.0.0.1:5555/callback")
            #expect(lying.status == .badRequest && lying.text.contains("not its URL"))
            let missing = try await login(
                client, clientID: "http://127.0.0.1:9999/none.json", redirectURI: "http://127.0.0.1:5555/callback")
            #expect(missing.status == .badRequest && missing.text.contains("HTTP 404"))
        }
    }
}

extension String {
    /// This string, percent-encoded for a query.
    var formEncoded: String { addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? self }
}
