/// Writes one line to standard output at once, also into a pipe.
///
/// Introduced in step 11. `print` buffers standard output when it is not a
/// terminal, so `step11 | tee log` would show nothing until the client exits;
/// the client's narration is written line by line instead, as it happens.
import Foundation

public func printLine(_ line: String) {
    // A reader that went away (`step11 | head`) is not an error worth a crash: the line is dropped.
    try? FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
}
