/// The first mistakes a learner makes get one line that says what to do: a busy port, a missing file.
import Foundation
import Hummingbird
import NIOCore
import Testing

@testable import MCPAuth
@testable import Shared

// MARK: Tests

@Suite("First mistakes")
struct FirstMistakesTests {
    @Test("a busy port is named, with the flag that moves it")
    func busyPort() {
        let line = StepApplication<Application<RouterResponder<BasicRequestContext>>>.explain(
            IOError(errnoCode: EADDRINUSE, reason: "bind"), host: "127.0.0.1", port: 9000)
        #expect(
            line
                == "port 9000 on 127.0.0.1 is already in use (is another step still running?). Stop it, or choose another port: --port 9001"
        )
        #expect(!line.contains("\n"))
    }

    @Test("a host that is not this machine's, and a privileged port, are said in words")
    func otherBindFailures() {
        typealias App = StepApplication<Application<RouterResponder<BasicRequestContext>>>
        #expect(
            App.explain(IOError(errnoCode: EADDRNOTAVAIL, reason: "bind"), host: "10.9.9.9", port: 9000).hasPrefix(
                "10.9.9.9 is not an address"))
        #expect(App.explain(IOError(errnoCode: EACCES, reason: "bind"), host: "127.0.0.1", port: 80).contains("--port"))
    }

    @Test("a missing file is one line naming the path and the option")
    func missingFile() {
        #expect(
            throws: InputFileError(
                "no realm file at nope.json: run from the repository's top folder, or give --realm-file PATH")
        ) {
            _ = try RealmRepresentation.load(from: "nope.json")
        }
        let folder = FileManager.default.temporaryDirectory.path
        #expect(throws: InputFileError("\(folder) is a folder, not a private key; give --key PATH")) {
            _ = try InputFile.text(folder, what: "private key", option: "--key")
        }
    }

    @Test("a file that is not a realm export says so, without a decoding dump")
    func notARealm() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "not-a-realm-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try #"{"realm": 7}"#.write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: InputFileError("\(file.path) is not a realm file (Keycloak's realm export JSON)")) {
            _ = try RealmRepresentation.load(from: file.path)
        }
    }

    @Test("Authorization: the scheme, then the credentials after one or more spaces")
    func authorizationHeader() {
        #expect(AuthorizationHeader.split("Bearer abc") == ("Bearer", "abc"))
        #expect(AuthorizationHeader.split("Bearer    abc") == ("Bearer", "abc"))
        #expect(AuthorizationHeader.split("DPoP abc def") == ("DPoP", "abc def"))
        #expect(AuthorizationHeader.split("Bearer") == ("Bearer", ""))
        #expect(AuthorizationHeader.split("Bearer   ") == ("Bearer", ""))
    }

    @Test(
        "a missing public key names where it looked and how to point elsewhere; it suggests no command that writes keys"
    )
    func missingKeys() async {
        let keys = await PublicKeys.load(from: KeyDirectory(path: "nowhere"))
        #expect(
            keys.problem
                == "no public key at nowhere/mcp_public_key.pem: run from the repository's top folder (the demo keys are in keys/), or give --keys DIR (or KEYS_DIR)"
        )
        #expect(keys.problem?.contains("generate") == false)
    }
}
