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
        output.write(line(for: event))
    }

    /// The line written for `event`: time, level, label, metadata sorted by key, source, message.
    func line(for event: LogEvent) -> String {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, provided in provided } }
        if let explicit = event.metadata { all.merge(explicit) { _, explicit in explicit } }
        if let error = event.error { all["error.message"] = "\(error)" }
        let rendered =
            all.isEmpty
            ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(Self.timestamp()) \(event.level) \(label):\(rendered) [\(event.source)] \(event.message)\n"
    }

    /// Local time, to the second, with its UTC offset (ISO 8601).
    static func timestamp() -> String {
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
