/// A stand-in for the network when the realm server fetches a Client ID Metadata Document.
import Foundation
public import Shared
public import Synchronization

/// A fetch that answers from `documents` (URL → body), counting its calls.
public final class FakeDocumentFetch: Sendable {
    public let documents: Mutex<[String: ClientMetadataDocuments.Fetched]>
    public let calls = Mutex(0)

    public init(_ documents: [String: ClientMetadataDocuments.Fetched] = [:]) {
        self.documents = Mutex(documents)
    }

    public func fetch(_ url: String) async throws -> ClientMetadataDocuments.Fetched {
        calls.withLock { $0 += 1 }
        return documents.withLock { $0[url] } ?? .init(status: 404, body: Data())
    }

    /// A valid document for `url`, with `changes` to its JSON members.
    public static func document(_ url: String, _ changes: [String: Any] = [:]) -> ClientMetadataDocuments.Fetched {
        var members: [String: Any] = [
            "client_id": url, "client_name": "Example App", "redirect_uris": ["http://127.0.0.1/callback"],
            "token_endpoint_auth_method": "none",
        ]
        for (name, value) in changes { members[name] = value is NSNull ? nil : value }
        return .init(status: 200, body: try! JSONSerialization.data(withJSONObject: members))
    }
}
