/// gen-token's small helpers: reading a comma-separated list, and writing to standard error so that standard
/// output carries the token alone.
import Foundation

/// Splits `a,b, c` into `["a", "b", "c"]`.
func list(_ commaSeparated: String) -> [String] {
    commaSeparated.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// Writes `text` to standard error, keeping stdout for the token.
func note(_ text: String) {
    try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
}

/// Says what went wrong, in one line, and exits with status 1.
func fail(_ text: String) -> Never {
    note(text)
    exit(1)
}
