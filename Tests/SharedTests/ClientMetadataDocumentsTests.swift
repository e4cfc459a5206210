/// Client ID Metadata Documents on the realm server's side: the URL rules, the address guard (SSRF), the document's
/// checks, the limits and the cache. The fetch is a fake that counts its calls: a refused URL is never fetched.
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Shared

let documentURL = "http://127.0.0.1:9999/client.json"

@Suite("Client ID Metadata Documents")
struct ClientMetadataDocumentsTests {
    let realm = try! RealmFixture.realm()

    func documents(
        _ fake: FakeDocumentFetch, loopback: Bool = true, timeout: Duration = .seconds(5),
        now: @escaping @Sendable () -> Date = Date.init
    ) -> ClientMetadataDocuments {
        ClientMetadataDocuments(allowsLoopback: loopback, timeout: timeout, now: now) { try await fake.fetch($0) }
    }

    @Test(
        "a client_id URL must be https with a path, no query, fragment, user info or dot segments",
        arguments: [
            ("http://example.com/client.json", "https"), ("https://example.com", "no path"),
            ("https://example.com/", "no path"), ("https://example.com/c.json?x=1", "query"),
            ("https://example.com/c.json#f", "fragment"), ("https://user@example.com/c.json", "user info"),
            ("https://example.com/a/../c.json", "dot segments"), ("https://example.com/./c.json", "dot segments"),
        ])
    func urlRules(url: String, reason: String) async throws {
        let fake = FakeDocumentFetch()
        await #expect(throws: ClientMetadataError.self) { try await documents(fake).client(url, realm: realm) }
        #expect(fake.calls.withLock { $0 } == 0)
    }

    @Test(
        "a host that resolves to a private, loopback, link-local or reserved address is never fetched (SSRF)",
        arguments: [
            "https://127.0.0.1/c.json", "https://10.1.2.3/c.json", "https://169.254.169.254/latest/meta-data",
            "https://192.168.0.1/c.json", "https://172.16.5.4/c.json", "https://100.64.0.1/c.json",
            "https://0.0.0.0/c.json", "https://[::1]/c.json", "https://[fd00::1]/c.json", "https://[fe80::1]/c.json",
            "https://[::ffff:10.0.0.1]/c.json", "https://localhost/c.json",
        ])
    func forbiddenAddresses(url: String) async throws {
        let fake = FakeDocumentFetch([url: FakeDocumentFetch.document(url)])
        do {
            _ = try await documents(fake, loopback: false).client(url, realm: realm)
            Issue.record("\(url) was accepted")
        } catch {
            guard case ClientMetadataError.forbiddenAddress = error else {
                Issue.record("\(url): \(error)")
                return
            }
        }
        #expect(fake.calls.withLock { $0 } == 0)
    }

    @Test("addresses are classified by their ranges, IPv4 inside IPv6 by its IPv4 address")
    func addressRanges() {
        func address(_ host: String) -> NetworkAddress { NetworkAddress.resolve(host)[0] }
        for host in ["8.8.8.8", "172.15.255.1", "172.32.0.1", "100.63.0.1", "2606:4700::1111"] {
            #expect(address(host).isPublic, "\(host)")
        }
        for host in [
            "127.0.0.2", "10.0.0.1", "172.31.0.1", "100.127.0.1", "198.18.0.1", "203.0.113.9", "224.0.0.1",
            "::1", "::", "fc00::1", "fe80::1", "ff02::1", "2001:db8::1", "::ffff:192.168.1.1", "64:ff9b::10.0.0.1",
        ] {
            #expect(!address(host).isPublic, "\(host)")
        }
        #expect(address("::ffff:127.0.0.1").isLoopback)
    }

    @Test("a valid document describes a public client: its name, its redirect URIs, PKCE as always")
    func validDocument() async throws {
        let fake = FakeDocumentFetch([documentURL: FakeDocumentFetch.document(documentURL)])
        let client = try await documents(fake).client(documentURL, realm: realm)
        #expect(client.clientID == documentURL)
        #expect(client.name == "Example App")
        #expect(client.isPublic && client.secret == nil)
        #expect(client.redirectURIs == ["http://127.0.0.1/callback"])
        #expect(client.grantTypes == ["authorization_code", "refresh_token"])
    }

    @Test(
        "a document is refused when it lies about its URL, lists no redirect URI, or claims a secret",
        arguments: [
            (["client_id": "https://evil.example/c.json"], "client_id"),
            (["redirect_uris": NSNull()], "redirect_uris"), (["redirect_uris": [String]()], "redirect_uris"),
            (["redirect_uris": ["http://evil.example/cb"]], "not https"),
            (["client_secret": "s3cret"], "public"), (["token_endpoint_auth_method": "private_key_jwt"], "public"),
            (["grant_types": ["client_credentials"]], "authorization_code"),
        ] as [([String: any Sendable], String)])
    func invalidDocuments(changes: [String: any Sendable], reason: String) async throws {
        let fake = FakeDocumentFetch([documentURL: FakeDocumentFetch.document(documentURL, changes)])
        do {
            _ = try await documents(fake).client(documentURL, realm: realm)
            Issue.record("accepted")
        } catch {
            guard case ClientMetadataError.invalidDocument(let why) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(why.contains(reason), "\(why)")
        }
    }

    @Test("an answer that is not 200, not JSON, over 5 KiB or later than the timeout is refused")
    func badAnswers() async throws {
        let big = Data(repeating: UInt8(ascii: " "), count: 5 * 1024 + 1)
        for answer in [
            ClientMetadataDocuments.Fetched(status: 302, body: Data()), .init(status: 200, body: Data("<html>".utf8)),
            .init(status: 200, body: big),
        ] {
            let fake = FakeDocumentFetch([documentURL: answer])
            await #expect(throws: ClientMetadataError.self) {
                try await documents(fake).client(documentURL, realm: realm)
            }
        }
        let slow = ClientMetadataDocuments(allowsLoopback: true, timeout: .milliseconds(100)) { _ in
            try await Task.sleep(for: .seconds(10))
            return .init(status: 200, body: Data())
        }
        let started = ContinuousClock.now
        await #expect(throws: ClientMetadataError.unreachable("no answer within 0.1 seconds")) {
            try await slow.client(documentURL, realm: realm)
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test("a document is kept for its max-age (1 min to 1 h, 5 min without one), then fetched again")
    func cache() async throws {
        let clock = TestClock()
        var fetched = FakeDocumentFetch.document(documentURL)
        fetched = .init(status: 200, body: fetched.body, cacheControl: "public, max-age=120")
        let fake = FakeDocumentFetch([documentURL: fetched])
        let documents = documents(fake, now: { clock.now })
        _ = try await documents.client(documentURL, realm: realm)
        _ = try await documents.client(documentURL, realm: realm)
        #expect(fake.calls.withLock { $0 } == 1)
        clock.advance(by: 121)
        _ = try await documents.client(documentURL, realm: realm)
        #expect(fake.calls.withLock { $0 } == 2)
        #expect(ClientMetadataDocuments.lifetime(nil) == 300)
        #expect(ClientMetadataDocuments.lifetime("max-age=5") == 60)
        #expect(ClientMetadataDocuments.lifetime("max-age=86400") == 3600)
    }
}
