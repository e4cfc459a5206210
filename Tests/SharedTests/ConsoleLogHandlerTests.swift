/// The log line format every step writes.
import Foundation
import Logging
import Testing

@testable import Shared

@Suite("ConsoleLogHandler")
struct ConsoleLogHandlerTests {
    @Test("a line carries time, level, label, the metadata sorted by key (explicit wins), the source and the message")
    func lineFormat() {
        var handler = ConsoleLogHandler(label: "step8")
        handler[metadataKey: "hb.request.id"] = "42"
        handler[metadataKey: "user"] = "alice"
        let event = LogEvent(
            level: .notice, message: "refused POST /mcp: Token expired", metadata: ["user": "bob", "a": "1"],
            source: "Shared",
            file: #fileID, function: #function, line: #line)
        let line = handler.line(for: event)
        let pattern =
            #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} notice step8: a=1 hb.request.id=42 user=bob \[Shared\] refused POST \/mcp: Token expired\n$/#
        #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
        #expect(handler[metadataKey: "user"] == "alice")
    }
}
