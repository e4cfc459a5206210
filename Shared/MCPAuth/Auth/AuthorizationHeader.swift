/// An `Authorization` header value taken apart: the scheme, then the credentials.
///
/// Introduced in step 6. RFC 6750 §2.1 writes the bearer form as
/// `"Bearer" 1*SP b64token`: one *or more* spaces, so `Bearer   eyJ…` is as good
/// as `Bearer eyJ…`. The scheme is compared case-insensitively by the caller.
/// Pure byte scanning; no allocation beyond the two parts.
///
/// - SeeAlso: RFC 6750 §2.1; RFC 9110 §11.4 (credentials)
enum AuthorizationHeader {
    /// The scheme (up to the first space) and the credentials after all the spaces that follow it;
    /// the credentials are empty when there are none.
    static func split(_ value: String) -> (scheme: Substring, credentials: Substring) {
        guard let space = value.utf8.firstIndex(of: UInt8(ascii: " ")) else { return (value[...], "") }
        let rest = value[space...].utf8.drop { $0 == UInt8(ascii: " ") }
        return (value[..<space], Substring(rest))
    }
}
