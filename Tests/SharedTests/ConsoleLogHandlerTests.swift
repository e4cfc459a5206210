/// The log line format every step writes.
import Foundation
import Logging
import Testing

@testable import Shared

#if canImport(Glibc)
import Glibc
#endif

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

@Suite("ConsoleOutput: a line at a time on a terminal, in batches otherwise")
struct ConsoleOutputTests {
    /// A pipe whose read end never blocks: what was written so far is read at once.
    struct Pipe {
        let read: Int32
        let write: Int32

        init() {
            var ends: [Int32] = [0, 0]
            _ = ends.withUnsafeMutableBufferPointer { pipe($0.baseAddress!) }
            (read, write) = (ends[0], ends[1])
            _ = fcntl(read, F_SETFL, O_NONBLOCK)
        }

        /// Whatever has arrived.
        func available() -> String {
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress!, 4096) }
                guard count > 0 else { break }
                bytes += chunk.prefix(count)
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        func close() {
            _ = Glibc.close(read)
            _ = Glibc.close(write)
        }
    }

    @Test("a terminal gets each line at once")
    func terminal() {
        let pipe = Pipe()
        defer { pipe.close() }
        let output = ConsoleOutput(fileDescriptor: pipe.write, batched: false)
        output.write("one\n")
        #expect(pipe.available() == "one\n")
        output.write("two\n")
        #expect(pipe.available() == "two\n")
    }

    @Test("batched: the lines wait, then arrive together, within the interval of the first")
    func onTime() {
        let pipe = Pipe()
        defer { pipe.close() }
        let output = ConsoleOutput(fileDescriptor: pipe.write, batched: true, interval: .milliseconds(100))
        let start = ContinuousClock.now
        output.write("one\n")
        output.write("two\n")
        #expect(pipe.available() == "")
        // Waits in the kernel for the batch (5 s at most), so the time measured is the flusher's, not this task's.
        var ready = pollfd(fd: pipe.read, events: Int16(POLLIN), revents: 0)
        #expect(poll(&ready, 1, 5000) == 1)
        let waited = ContinuousClock.now - start
        #expect(pipe.available() == "one\ntwo\n")
        #expect(waited >= .milliseconds(90))
        // 100 ms and the scheduler's slack on a machine busy with the whole test suite: "on time", not "fast".
        #expect(waited < .seconds(2))
    }

    @Test("batched: a full batch is written at once; flush, as at exit, writes what is left")
    func fullAndExit() {
        let pipe = Pipe()
        defer { pipe.close() }
        let output = ConsoleOutput(fileDescriptor: pipe.write, batched: true, interval: .seconds(60), limit: 1024)
        let long = String(repeating: "x", count: 1500) + "\n"
        output.write(long)
        #expect(pipe.available() == long)
        output.write("last words\n")
        #expect(pipe.available() == "")
        output.flush()
        #expect(pipe.available() == "last words\n")
    }

    @Test("a closed pipe drops the lines and stops nothing")
    func closedPipe() {
        let pipe = Pipe()
        _ = Glibc.close(pipe.read)
        signal(SIGPIPE, SIG_IGN)
        let output = ConsoleOutput(fileDescriptor: pipe.write, batched: false)
        output.write("nobody reads this\n")
        _ = Glibc.close(pipe.write)
    }
}
