/// A file a learner points a step at (a key, the realm file, an env file), read once at start.
///
/// Introduced in step 5, for the keys; steps 9–11 read the realm file and the
/// env file the same way. A file that is not there, or cannot be read, is one
/// line naming the path and the option that moves it, never a Foundation error
/// dump:
///
/// ```text
/// Error: no realm file at nope.json: run from the repository's top folder, or give --realm-file PATH
/// ```
import Foundation

public enum InputFile {
    /// The contents of `path`, a `what` that `option` names.
    ///
    /// - Throws: ``InputFileError`` when it is missing, a folder, or unreadable.
    public static func read(_ path: String, what: String, option: String) throws(InputFileError) -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw InputFileError("no \(what) at \(path): run from the repository's top folder, or give \(option) PATH")
        }
        guard !isFolder.boolValue else {
            throw InputFileError("\(path) is a folder, not a \(what); give \(option) PATH")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputFileError("cannot read the \(what) at \(path) (permissions?)")
        }
        return data
    }

    /// The contents of `path` as UTF-8 text.
    ///
    /// - Throws: ``InputFileError`` as ``read(_:what:option:)``, or when it is not text.
    public static func text(_ path: String, what: String, option: String) throws(InputFileError) -> String {
        guard let text = String(data: try read(path, what: what, option: option), encoding: .utf8) else {
            throw InputFileError("the \(what) at \(path) is not UTF-8 text")
        }
        return text
    }
}

/// Why a named file could not be read, in one line.
public struct InputFileError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
