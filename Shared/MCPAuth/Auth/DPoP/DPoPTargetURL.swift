/// The `htu` of a DPoP proof and the URL it is checked against, both in one normal form.
///
/// Introduced in step 10, Going further: DPoP. A proof names the URL it was
/// made for; the server compares it with the URL of the request it arrived
/// on. Two spellings of one URL must compare equal, and nothing else may, so
/// both sides are normalised as RFC 3986 §6.2.2–6.2.3 describe before a plain
/// string comparison:
///
/// - the query and the fragment are dropped (RFC 9449 §4.3 ignores them);
/// - scheme and host are lower-cased; the default port (80 for http, 443 for
///   https) and an empty port are dropped;
/// - an empty path is `/`; percent-encodings get upper-case hex digits, and
///   those of unreserved characters are decoded; `.` and `..` segments are removed.
///
/// Only `http` and `https` URLs with a host qualify; one with user
/// information (`user@`) or a malformed percent-encoding or port does not.
/// The server side is always built from the configured public base URL plus
/// the request path, never from the `Host` header a client controls.
///
/// ```swift
/// DPoPTargetURL.normalized("HTTPS://Server.Example:443/mcp?x=1#f")   // "https://server.example/mcp"
/// ```
///
/// - SeeAlso: RFC 9449 §4.3 (step 9), RFC 3986 §6.2
import Foundation

public enum DPoPTargetURL {
    /// `url` in normal form; nil when it is not an absolute http(s) URL.
    public static func normalized(_ url: String) -> String? {
        let beforeFragment = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let withoutQuery = beforeFragment.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard let schemeEnd = withoutQuery.range(of: "://") else { return nil }
        let scheme = withoutQuery[..<schemeEnd.lowerBound].lowercased()
        let defaultPort: Int
        switch scheme {
        case "http": defaultPort = 80
        case "https": defaultPort = 443
        default: return nil
        }
        let rest = withoutQuery[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        let path = rest[authority.endIndex...]
        guard !authority.contains("@"), let hostAndPort = hostAndPort(authority), let normalPath = normalizedPath(path)
        else { return nil }
        let port = hostAndPort.port.flatMap { $0 == defaultPort ? nil : $0 }
        return scheme + "://" + hostAndPort.host + (port.map { ":\($0)" } ?? "") + normalPath
    }

    /// The lower-cased host (an IPv6 literal keeps its brackets) and the port, if one is given.
    static func hostAndPort(_ authority: Substring) -> (host: String, port: Int?)? {
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        guard let portText, !portText.isEmpty else { return (host.lowercased(), nil) }
        guard portText.count <= 5, portText.allSatisfy(\.isASCIIDigit), let port = Int(portText), port <= 65535 else {
            return nil
        }
        return (host.lowercased(), port)
    }

    /// The path with percent-encodings normalised and dot segments removed; `/` when empty.
    static func normalizedPath(_ path: Substring) -> String? {
        guard !path.isEmpty else { return "/" }
        var bytes: [UInt8] = []
        var input = Array(path.utf8)[...]
        while let byte = input.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard input.count >= 2, let high = hexValue(input.removeFirst()), let low = hexValue(input.removeFirst())
            else { return nil }
            let decoded = high << 4 | low
            if isUnreserved(decoded) {
                bytes.append(decoded)
            } else {
                bytes += [UInt8(ascii: "%"), Self.hexDigits[Int(decoded >> 4)], Self.hexDigits[Int(decoded & 0x0F)]]
            }
        }
        return removingDotSegments(String(decoding: bytes, as: UTF8.self))
    }

    /// RFC 3986 §5.2.4 for an absolute path: `/a/./b/../c` is `/a/c`.
    static func removingDotSegments(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var output: [Substring] = []
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }

    static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~".
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
        default: false
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
