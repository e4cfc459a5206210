/// Writes one line to standard output at once, also into a pipe.
///
/// Introduced in step 11. `print` buffers standard output when it is not a
/// terminal, so `step11 | tee log` would show nothing until the client exits;
/// the client's narration is written line by line instead, as it happens.
import Foundation

public func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
