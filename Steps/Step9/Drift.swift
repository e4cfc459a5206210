/// Which fields of an object in Keycloak differ from what the realm file says.
///
/// Introduced in step 9; it is what makes `step9 setup` idempotent: an object
/// is written only when this finds a difference. The realm file sets some
/// fields; Keycloak holds many more (its defaults, fields the file never
/// mentions). So a field differs only when the file sets it and Keycloak has
/// another value: maps such as `attributes` and `config` are compared key by
/// key for the file's keys, lists as sets (Keycloak does not promise their
/// order), and a field the file leaves out never differs. Pure in-memory
/// comparison of the two JSON encodings, no network call.
///
/// ```swift
/// Drift.fields(wanted: fileClient, actual: keycloakClient)  // ["redirectUris", "attributes.pkce.code.challenge.method"]
/// ```
import Foundation

enum Drift {
    /// The names of the fields of `wanted` that `actual` does not match (`attributes.x` for a key of a map).
    static func fields<Representation: Encodable>(wanted: Representation, actual: Representation) -> [String] {
        guard case .object(let wantedFields) = JSON(wanted), case .object(let actualFields) = JSON(actual) else {
            return JSON(wanted) == JSON(actual) ? [] : ["value"]
        }
        return differences(wanted: wantedFields, actual: actualFields, prefix: "")
    }

    private static func differences(wanted: [String: JSON], actual: [String: JSON], prefix: String) -> [String] {
        wanted.keys.sorted().flatMap { key -> [String] in
            let name = prefix + key
            switch (wanted[key]!, actual[key] ?? .null) {
            case (.null, _): return []
            case (.object(let want), .object(let have)):
                return differences(wanted: want, actual: have, prefix: name + ".")
            case (.object(let want), .null) where want.isEmpty: return []
            case (.array(let want), .array(let have)): return Set(want) == Set(have) ? [] : [name]
            case (.array(let want), .null): return want.isEmpty ? [] : [name]
            case (let want, let have): return want == have ? [] : [name]
            }
        }
    }

    /// JSON as a value that can be compared.
    private indirect enum JSON: Hashable, Decodable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSON])
        case object([String: JSON])

        init(_ value: some Encodable) {
            let data = (try? JSONEncoder().encode(value)) ?? Data("null".utf8)
            self = (try? JSONDecoder().decode(JSON.self, from: data)) ?? .null
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let bool = try? container.decode(Bool.self) {
                self = .bool(bool)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let string = try? container.decode(String.self) {
                self = .string(string)
            } else if let array = try? container.decode([JSON].self) {
                self = .array(array)
            } else {
                self = .object(try container.decode([String: JSON].self))
            }
        }
    }
}
