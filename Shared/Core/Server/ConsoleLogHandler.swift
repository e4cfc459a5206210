/// Log lines on standard error, in swift-log's `StreamLogHandler` format.
///
/// Introduced in step 1, as the handler of every step's logger:
///
/// ```text
/// 2026-11-23T18:47:48+0000 info step8: hb.request.id=… [Shared] authenticated alice scopes=[mcp:read mcp:tools] kid=mcp-key-1
/// ```
///
/// Hummingbird gives each request's logger its request id. `StreamLogHandler`
/// renders all metadata again each time one key is set, so every request paid
/// for a rendering even when nothing was logged; this handler renders metadata
/// only for a line it writes. Lines below ``logLevel`` cost nothing. The
/// lines go to ``ConsoleOutput``: one by one on a terminal, in batches otherwise.
import Foundation
public import Logging
import Synchronization

public struct ConsoleLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let output: ConsoleOutput

    public init(
        label: String, metadataProvider: Logger.MetadataProvider? = nil, output: ConsoleOutput = .standardError
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        output.write(bytes: lineBytes(for: event))
    }

    /// The line written for `event`: time, level, label, metadata sorted by key, source, message.
    func line(for event: LogEvent) -> String {
        String(decoding: lineBytes(for: event), as: UTF8.self)
    }

    /// The UTF-8 of ``line(for:)``, gathered in one array: built as a string, by interpolation or by appending,
    /// the line cost more than the request it reports.
    func lineBytes(for event: LogEvent) -> [UInt8] {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, provided in provided } }
        if let explicit = event.metadata { all.merge(explicit) { _, explicit in explicit } }
        if let error = event.error { all["error.message"] = "\(error)" }
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line += Self.timestamp().utf8
        line.append(UInt8(ascii: " "))
        line += event.level.rawValue.utf8
        line.append(UInt8(ascii: " "))
        line += label.utf8
        line.append(UInt8(ascii: ":"))
        for (key, value) in all.count > 1 ? all.sorted(by: { $0.key < $1.key }) : Array(all) {
            line.append(UInt8(ascii: " "))
            line += key.utf8
            line.append(UInt8(ascii: "="))
            line += value.description.utf8
        }
        line += " [".utf8
        line += event.source.utf8
        line += "] ".utf8
        line += event.message.description.utf8
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// The second ``timestamp()`` last formatted, and how.
    private static let lastTimestamp = Mutex((second: time_t(-1), text: ""))

    /// Local time, to the second, with its UTC offset (ISO 8601): formatted once a second, however many lines.
    static func timestamp() -> String {
        let now = time(nil)
        if let text = lastTimestamp.withLock({ $0.second == now ? $0.text : nil }) { return text }
        var seconds = now
        var local = tm()
        localtime_r(&seconds, &local)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        let text = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        lastTimestamp.withLock { $0 = (now, text) }
        return text
    }
}
