/// A browser reduced to what a login needs: open the authorization URL, fill in the form, follow the redirect.
///
/// Introduced in step 11, for `step11 --demo` and the tests: it does exactly
/// what a person's browser does with the realm server's login page, so the
/// whole flow runs without a person. It reads the form (its `action` and
/// hidden fields) from the HTML, posts the username and password, and follows
/// the one redirect, which lands on the client's loopback receiver.
import Foundation

public struct FormLoginBrowser: Sendable {
    let http: ClientHTTP
    public let username: String
    let password: String

    public init(http: ClientHTTP, username: String, password: String) {
        self.http = http
        self.username = username
        self.password = password
    }

    /// Signs in at `authorizationURL`; returns where the server redirected the browser.
    public func signIn(at authorizationURL: String) async throws -> String {
        let page = try await http.send("GET", authorizationURL)
        if page.status == 302 || page.status == 303, let location = page.header("Location") {
            _ = try await http.send("GET", location)
            return location
        }
        guard page.status == 200 else {
            throw OAuthFlowError.authorizationRefused(Self.message(in: page.text) ?? "HTTP \(page.status)")
        }
        guard let action = Self.attribute("action", in: page.text),
            let requestID = Self.hiddenValue("request_id", in: page.text)
        else {
            throw OAuthFlowError.authorizationRefused("the authorization endpoint did not show a login form")
        }
        let submitted = try await http.postForm(
            action, [("request_id", requestID), ("username", username), ("password", password)])
        guard submitted.status == 302 || submitted.status == 303, let location = submitted.header("Location") else {
            throw OAuthFlowError.authorizationRefused(
                Self.message(in: submitted.text) ?? "login failed (HTTP \(submitted.status))")
        }
        _ = try await http.send("GET", location)
        return location
    }

    static func attribute(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "\(name)=\"") else { return nil }
        return unescape(String(html[start.upperBound...].prefix { $0 != "\"" }))
    }

    static func hiddenValue(_ name: String, in html: String) -> String? {
        guard let field = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return unescape(String(html[field.upperBound...].prefix { $0 != "\"" }))
    }

    /// What the page says went wrong: its error paragraph (`<p class="error">`, as the realm server and
    /// Keycloak's themes mark it), else its first paragraph.
    static func message(in html: String) -> String? {
        paragraph(in: html, opening: "<p class=\"error\"") ?? paragraph(in: html, opening: "<p")
    }

    static func paragraph(in html: String, opening: String) -> String? {
        guard let start = html.range(of: opening), let open = html[start.upperBound...].firstIndex(of: ">"),
            let end = html[open...].range(of: "</p>")
        else { return nil }
        return unescape(String(html[html.index(after: open)..<end.lowerBound]))
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}
