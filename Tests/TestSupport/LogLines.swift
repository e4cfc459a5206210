/// A logger whose lines are kept, for tests that check what was logged (a refusal's reason, never a token).
public import Logging
public import Synchronization

/// Log lines, kept for assertions.
public final class LogLines: Sendable {
    public let lines = Mutex<[String]>([])
    public var all: String { lines.withLock { $0.joined(separator: "\n") } }

    struct Handler: LogHandler {
        let sink: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            sink.lines.withLock { $0.append(event.message.description) }
        }
    }

    public var logger: Logger { Logger(label: "test") { _ in Handler(sink: self) } }

    public init() {}
}
