/// How `step9 serve` fetches a client's metadata document: async-http-client, no redirect followed, 5 KiB at most.
///
/// The checks before the fetch (https, a public address) and after it (the document itself) are
/// ``ClientMetadataDocuments``'s, in Shared; this is only the GET.
import AsyncHTTPClient
import Foundation
import Shared

/// The one client that fetches documents, following no redirect. A global, so it lives as long as the process: an
/// `HTTPClient` released without `shutdown()` stops the process, and the server is released as it stops.
private let documentsClient = HTTPClient(
    eventLoopGroupProvider: .singleton,
    configuration: HTTPClient.Configuration(
        redirectConfiguration: .disallow, timeout: .init(connect: .seconds(3), read: .seconds(5))))

extension ClientMetadataDocuments {
    /// Documents fetched over the network by ``documentsClient``.
    static func overHTTP(allowsLoopback: Bool = false) -> ClientMetadataDocuments {
        let http = documentsClient
        return ClientMetadataDocuments(allowsLoopback: allowsLoopback) { url in
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/json")
            let response = try await http.execute(request, timeout: .seconds(5))
            var body = Data()
            for try await chunk in response.body {
                body.append(contentsOf: chunk.readableBytesView)
                if body.count > ClientMetadataDocuments.maximumSize { break }  // refused as too large; read no more
            }
            return Fetched(
                status: Int(response.status.code), body: body,
                cacheControl: response.headers.first(name: "Cache-Control"))
        }
    }
}
