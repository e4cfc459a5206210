/// Driving the realm server as a browser and an OAuth client would, for the tests of steps 9–11.
public import Foundation
public import Hummingbird
public import HummingbirdTesting
public import Shared
import Synchronization

/// A clock tests can move forward.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// The realm file of this repository.
public enum RealmFixture {
    public static var path: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent(RealmRepresentation.defaultPath).path
    }

    public static func realm() throws -> Realm {
        Realm(try RealmRepresentation.load(from: path))
    }

    /// A realm server for the repository's realm at `baseURL`, on `clock`.
    public static func server(
        baseURL: String = "http://localhost:8080", clock: TestClock = TestClock()
    ) async throws -> RealmServer {
        let realm = try realm()
        return try await RealmServer(
            realm: realm, baseURL: baseURL,
            state: RealmState(sessionMaxLifespan: realm.sessionMaxLifespan, now: { clock.now }))
    }
}

extension TestClientProtocol {
    /// POSTs `fields` as a form to `path`, with more `headers` if given.
    public func postForm(
        _ path: String, _ fields: [String: String], headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var all = headers
        all[.contentType] = "application/x-www-form-urlencoded"
        let body = FormFields.encode(fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        return try await execute(uri: path, method: .post, headers: all, body: ByteBuffer(string: body))
    }

    /// POSTs `json` to `path`.
    public func postJSON(_ path: String, _ json: String) async throws -> TestResponse {
        try await execute(
            uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }
}

extension TestResponse {
    /// The `request_id` of a login form.
    public var loginRequestID: String? {
        let html = String(buffer: body)
        guard let start = html.range(of: #"name="request_id" value=""#) else { return nil }
        return String(html[start.upperBound...].prefix { $0 != "\"" })
    }

    /// The query parameters of the `Location` header.
    public var redirectParameters: [String: String] {
        guard let location = headers[.location], let components = URLComponents(string: location) else { return [:] }
        return Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }

    /// The `Location` header without its query.
    public var redirectTarget: String? {
        headers[.location].flatMap { URLComponents(string: $0) }.map { components in
            var components = components
            components.query = nil
            return components.string ?? ""
        }
    }
}
