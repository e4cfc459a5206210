/// Where the log lines go: standard error, a line at a time on a terminal, in batches otherwise.
///
/// Introduced in step 1, behind ``ConsoleLogHandler``. Someone watching a
/// terminal sees each line as it is logged. When standard error is a file or a
/// pipe (`2>step8.log`, a test script, a service manager), the lines are
/// gathered and written together:
///
/// - at most ``interval`` (100 ms) after the first line of a batch;
/// - at once when a batch reaches ``limit`` (64 KiB);
/// - at exit, whatever is left (`atexit`), and before the one line of a server that cannot start.
///
/// Under load, one `write` per line cost more than the line itself. A thread
/// of its own writes the batches on time, whatever else keeps the process's
/// other threads busy. A closed pipe (`step4 2>&1 | head`) drops the lines: it
/// never stops the server.
import Foundation
import Synchronization

public final class ConsoleOutput: Sendable {
    /// Standard error, batched unless it is a terminal; what is left is written at exit.
    public static let standardError: ConsoleOutput = {
        let output = ConsoleOutput(fileDescriptor: STDERR_FILENO, batched: isatty(STDERR_FILENO) == 0)
        signal(SIGPIPE, SIG_IGN)  // a closed pipe is an error from write, not the end of the server
        atexit { ConsoleOutput.standardError.flush() }
        return output
    }()

    public let fileDescriptor: Int32
    /// Whether lines are gathered (not a terminal), or written as they come.
    public let batched: Bool
    /// How long the first line of a batch waits at most.
    public let interval: Duration
    /// The size at which a batch is written at once.
    public let limit: Int

    private struct Batch {
        var bytes: [UInt8] = []
        var flushScheduled = false
    }
    private let batch = Mutex(Batch())
    /// Held while writing, so that batches reach the file in the order they were made.
    private let writing = Mutex(())
    /// Wakes the flushing thread when a batch begins; the thread is started with the first batch.
    private let batchBegun = NSCondition()
    private let flusherStarted = Mutex(false)

    public init(
        fileDescriptor: Int32, batched: Bool, interval: Duration = .milliseconds(100), limit: Int = 64 << 10
    ) {
        self.fileDescriptor = fileDescriptor
        self.batched = batched
        self.interval = interval
        self.limit = limit
    }

    /// Writes `line` now on a terminal; otherwise adds it to the batch.
    public func write(_ line: String) {
        write(bytes: Array(line.utf8))
    }

    /// Writes the UTF-8 bytes of a line now on a terminal; otherwise adds them to the batch.
    public func write(bytes line: [UInt8]) {
        guard batched else {
            writing.withLock { _ in Self.writeAll(line, to: fileDescriptor) }
            return
        }
        let (full, schedule) = batch.withLock { batch -> (Bool, Bool) in
            batch.bytes.append(contentsOf: line)
            let schedule = !batch.flushScheduled
            batch.flushScheduled = true
            return (batch.bytes.count >= limit, schedule)
        }
        if full {
            flush()
        } else if schedule {
            startFlusher()
            batchBegun.lock()
            batchBegun.signal()
            batchBegun.unlock()
        }
    }

    /// The flushing thread: it waits for a batch to begin, lets ``interval`` pass, writes the batch; and again.
    private func startFlusher() {
        let first = flusherStarted.withLock { started in
            defer { started = true }
            return !started
        }
        guard first else { return }
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) * 1e-18
        let thread = Thread { [self] in
            while true {
                batchBegun.lock()
                while batch.withLock({ !$0.flushScheduled }) { batchBegun.wait() }
                batchBegun.unlock()
                Thread.sleep(forTimeInterval: seconds)
                flush()
            }
        }
        thread.name = "console-output"
        thread.start()
    }

    /// Writes the batch, if any.
    public func flush() {
        writing.withLock { _ in
            let bytes = batch.withLock { batch -> [UInt8] in
                defer { batch = Batch() }
                return batch.bytes
            }
            if !bytes.isEmpty { Self.writeAll(bytes, to: fileDescriptor) }
        }
    }

    /// `bytes` to `fileDescriptor`, all of them unless the file refuses (a closed pipe: dropped).
    static func writeAll(_ bytes: [UInt8], to fileDescriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
