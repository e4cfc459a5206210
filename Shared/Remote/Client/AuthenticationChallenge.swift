/// One challenge of a `WWW-Authenticate` header, parsed as RFC 9110 §11.6.1 (RFC 7235) says.
///
/// Introduced in step 11: the client reads `resource_metadata` (RFC 9728) and
/// `scope` (the step-up of a 403) from the server's challenges. A real parser,
/// not a regular expression: a header may hold several challenges; values may
/// be quoted strings with commas and `\"` escapes inside; names are
/// case-insensitive; a challenge may carry a token68 instead of parameters.
///
/// ```swift
/// let challenges = AuthenticationChallenge.parse(#"Basic realm="x", Bearer resource_metadata="https://a/b", scope="mcp:read mcp:tools""#)
/// challenges.first { $0.is("Bearer") }?.parameters["resource_metadata"]   // "https://a/b"
/// ```
///
/// - SeeAlso: RFC 9110 §11.6.1, RFC 6750 §3, RFC 9728 §5.1
public struct AuthenticationChallenge: Sendable, Equatable {
    /// The scheme as sent (compare with ``is(_:)``).
    public let scheme: String
    /// The parameters, names in lower case; a repeated name keeps its first value.
    public let parameters: [String: String]
    /// A token68 sent instead of parameters.
    public let token68: String?

    public init(scheme: String, parameters: [String: String] = [:], token68: String? = nil) {
        self.scheme = scheme
        self.parameters = parameters
        self.token68 = token68
    }

    /// Whether the scheme is `scheme`, case-insensitively.
    public func `is`(_ scheme: String) -> Bool {
        self.scheme.lowercased() == scheme.lowercased()
    }

    /// Every challenge in the given header values (one header may repeat).
    public static func parse(_ values: [String]) -> [AuthenticationChallenge] {
        values.flatMap(parse)
    }

    /// Every challenge in one header value; malformed parts are skipped, not guessed at.
    public static func parse(_ value: String) -> [AuthenticationChallenge] {
        var scanner = Scanner(Array(value.unicodeScalars))
        var challenges: [AuthenticationChallenge] = []
        while true {
            scanner.skip { $0 == " " || $0 == "\t" || $0 == "," }
            if scanner.atEnd { break }
            let scheme = scanner.token()
            guard !scheme.isEmpty else {
                scanner.advance()
                continue
            }
            scanner.skip { $0 == " " || $0 == "\t" }
            var parameters: [String: String] = [:]
            var token68: String?
            if let value = scanner.token68() {
                token68 = value
            } else {
                while let (name, value) = scanner.parameter() {
                    if parameters[name.lowercased()] == nil { parameters[name.lowercased()] = value }
                    scanner.skip { $0 == " " || $0 == "\t" }
                    guard scanner.peek == "," else { break }
                    scanner.advance()
                    scanner.skip { $0 == " " || $0 == "\t" || $0 == "," }
                }
            }
            challenges.append(AuthenticationChallenge(scheme: scheme, parameters: parameters, token68: token68))
        }
        return challenges
    }

    /// A cursor over the header's characters.
    struct Scanner {
        let characters: [Unicode.Scalar]
        var index = 0

        init(_ characters: [Unicode.Scalar]) {
            self.characters = characters
        }

        var atEnd: Bool { index >= characters.count }
        var peek: Unicode.Scalar? { atEnd ? nil : characters[index] }

        mutating func advance() { index += 1 }

        mutating func skip(while matches: (Unicode.Scalar) -> Bool) {
            while let next = peek, matches(next) { advance() }
        }

        /// RFC 9110 tchar: `!#$%&'*+-.^_`|~`, digits, letters.
        static func isTokenCharacter(_ c: Unicode.Scalar) -> Bool {
            c.isASCII
                && (c.properties.isAlphabetic || ("0"..."9").contains(c)
                    || "!#$%&'*+-.^_`|~".unicodeScalars.contains(c))
        }

        mutating func token() -> String {
            let start = index
            skip(while: Self.isTokenCharacter)
            return String(String.UnicodeScalarView(characters[start..<index]))
        }

        /// `name = value` (value a token or a quoted string); nil, with the cursor unmoved, when what follows is not one.
        mutating func parameter() -> (String, String)? {
            let start = index
            let name = token()
            skip { $0 == " " || $0 == "\t" }
            guard !name.isEmpty, peek == "=" else {
                index = start
                return nil
            }
            advance()
            skip { $0 == " " || $0 == "\t" }
            if peek == "\"" { return quoted().map { (name, $0) } ?? reset(to: start) }
            let value = token()
            return value.isEmpty ? reset(to: start) : (name, value)
        }

        private mutating func reset(to start: Int) -> (String, String)? {
            index = start
            return nil
        }

        /// A quoted string with `\` escapes; nil when it is not closed.
        mutating func quoted() -> String? {
            advance()
            var value = String.UnicodeScalarView()
            while let next = peek {
                advance()
                switch next {
                case "\"": return String(value)
                case "\\":
                    guard let escaped = peek else { return nil }
                    value.append(escaped)
                    advance()
                default: value.append(next)
                }
            }
            return nil
        }

        /// A token68 standing alone (then the end or a comma); nil, with the cursor unmoved, otherwise.
        mutating func token68() -> String? {
            let start = index
            skip {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._~+/".unicodeScalars.contains($0))
            }
            guard index > start else { return nil }
            skip { $0 == "=" }
            let value = String(String.UnicodeScalarView(characters[start..<index]))
            skip { $0 == " " || $0 == "\t" }
            guard atEnd || peek == "," else {
                index = start
                return nil
            }
            return value
        }
    }
}
