/// Text a client sent, made safe to repeat in a log line or an error description.
///
/// Introduced in step 6 (an unknown `kid` is repeated in the 401's reason).
/// A client controls these strings: they are cut short and kept to printable
/// ASCII without quotes or backslashes, so they cannot forge log lines or
/// break out of a quoted `WWW-Authenticate` value.
package enum LogSafe {
    /// At most 40 printable ASCII characters.
    package static func clip(_ text: String) -> String {
        let printable = String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter { (0x21...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" }))
        return printable.count > 40 ? printable.prefix(40) + "…" : printable
    }
}
