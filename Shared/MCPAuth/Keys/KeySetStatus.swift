/// What a server's `/health` says about the keys it verifies with.
///
/// Introduced in step 10, where ``RemoteKeySet`` fetches the keys from the
/// authorization server and reports how fresh they are. It lives beside the
/// key types, apart from the fetching, so that `/health` can show it without
/// every step linking an HTTP client.
///
/// ```json
/// {"state":"fresh","count":2,"age_seconds":12,"fetches":1}
/// ```
public struct KeySetStatus: Encodable, Sendable, Equatable {
    /// `fresh`; `stale` when the last refresh failed (the last good keys still serve); `unavailable` before any fetch.
    public let state: String
    public let count: Int
    public let ageSeconds: Int?
    public let lastError: String?
    /// JWKS fetches since start: flat under load once the keys are warm (the request path never fetches).
    public let fetches: Int
    /// Where the keys come from (shown beside them in /health).
    package let jwksURI: String?

    package init(state: String, count: Int, ageSeconds: Int?, lastError: String?, fetches: Int, jwksURI: String?) {
        self.state = state
        self.count = count
        self.ageSeconds = ageSeconds
        self.lastError = lastError
        self.fetches = fetches
        self.jwksURI = jwksURI
    }

    enum CodingKeys: String, CodingKey {
        case state, count, fetches
        case ageSeconds = "age_seconds"
        case lastError = "last_error"
    }
}
