/// A step's server, listening for real on a free 127.0.0.1 port, for tests that
/// use the MCP Swift SDK's client over HTTP.
import Foundation
public import Hummingbird
import HummingbirdTesting
public import MCP

#if canImport(FoundationNetworking)
public import FoundationNetworking
#endif

/// What a test does to each HTTP request of the SDK's client (add a token, a DPoP proof).
public typealias RequestModifier = @Sendable (URLRequest) -> URLRequest

/// Runs `router` on a free loopback port, connects the official MCP `Client` to
/// its `/mcp` over HTTP, runs `body`, then shuts both down.
public func withMCPClient<Context: Hummingbird.RequestContext, T: Sendable>(
    serving router: Router<Context>,
    requestModifier: @escaping RequestModifier = { $0 },
    _ body: @Sendable (Client, Initialize.Result) async throws -> T
) async throws -> T where Context: InitializableFromSource<ApplicationRequestContextSource> {
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    return try await app.test(.live) { testClient in
        guard let port = testClient.port else { throw LiveServerError.noPort }
        let transport = HTTPClientTransport(
            endpoint: URL(string: "http://127.0.0.1:\(port)/mcp")!, streaming: false, requestModifier: requestModifier)
        let client = Client(name: "swift-sdk-test-client", version: "1.0.0")
        let initialized = try await client.connect(transport: transport)
        do {
            let value = try await body(client, initialized)
            await client.disconnect()
            return value
        } catch {
            await client.disconnect()
            throw error
        }
    }
}

enum LiveServerError: Error {
    case noPort
}
