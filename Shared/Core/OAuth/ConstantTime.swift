/// Comparing secrets without telling an attacker, through timing, how much matched.
///
/// Introduced in step 7 (demo passwords); step 9 compares client secrets the same way.
/// Both sides are hashed first, so the comparison also takes the same time
/// whatever the lengths.
import Crypto
import Foundation

public enum ConstantTime {
    /// Whether `a` and `b` are equal, in time independent of where they differ.
    public static func equals(_ a: String, _ b: String) -> Bool {
        let left = SHA256.hash(data: Data(a.utf8))
        let right = SHA256.hash(data: Data(b.utf8))
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Whether `password` is `expected`; with no `expected` (an unknown user) the comparison still runs,
    /// against a random value, so that timing does not tell which users exist.
    public static func passwordMatches(_ password: String, expected: String?) -> Bool {
        let matches = equals(password, expected ?? UUID().uuidString)
        return expected != nil && matches
    }
}
