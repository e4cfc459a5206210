/// Tokens that passed every check, remembered until they expire.
///
/// Introduced in step 6, inside ``TokenVerifier``. An MCP client sends the
/// same access token on every request until it expires, so the verifier
/// remembers a verified token and answers the next request with the same
/// user, without a second signature check. What keeps that safe:
///
/// - the key is the token's exact bytes (no hash, no prefix: a token that
///   differs in one byte is a different token and is checked in full);
/// - an entry is never used at or after the token's `exp` (the leeway applies
///   to full checks only);
/// - an entry names the key that verified it, and is used only while the key
///   provider still offers that very key (same `kid`, same key bytes), so a key
///   taken out of the JWKS takes its tokens with it;
/// - refused tokens are never remembered, so a forged token costs a signature
///   check every time;
/// - the size is bounded (``capacity``): when full, expired entries go first,
///   then a quarter of the rest.
///
/// `scripts/bench.sh` and the `Benchmarks/` package measure what it buys with a
/// repeating token and what it costs with tokens that never repeat.
import Foundation
import Synchronization

public final class VerifiedTokenCache: Sendable {
    /// The most tokens remembered at once.
    public let capacity: Int
    private let entries: Mutex<[TokenBytes: Entry]>

    struct Entry: Sendable {
        let user: AuthenticatedUser
        /// The `kid` the token named (nil when it named none), to ask the key provider again.
        let keyID: String?
        let keyFingerprint: Data
    }

    public init(capacity: Int = 1024) {
        self.capacity = max(capacity, 1)
        self.entries = Mutex([:])
    }

    /// The remembered verification of `token`, if it has one that has not expired at `now`.
    func entry(for key: TokenBytes, now: Date) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard now < entry.user.expiresAt else {
                entries[key] = nil
                return nil
            }
            return entry
        }
    }

    /// Remembers that `token` verified as `user` with the key whose SPKI is `keyFingerprint`.
    func remember(_ key: TokenBytes, as user: AuthenticatedUser, keyID: String?, keyFingerprint: Data, now: Date) {
        guard now < user.expiresAt else { return }
        entries.withLock { entries in
            if entries.count >= capacity { Self.makeRoom(in: &entries, capacity: capacity, now: now) }
            entries[key] = Entry(user: user, keyID: keyID, keyFingerprint: keyFingerprint)
        }
    }

    func forget(_ key: TokenBytes) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    /// How many tokens are remembered now.
    public var count: Int { entries.withLock { $0.count } }

    /// Drops expired entries; if that frees nothing much, drops entries until a quarter of the room is free,
    /// so that tokens that never repeat cost one sweep per `capacity / 4` insertions, not one per insertion.
    private static func makeRoom(in entries: inout [TokenBytes: Entry], capacity: Int, now: Date) {
        entries = entries.filter { now < $0.value.user.expiresAt }
        let target = capacity - max(capacity / 4, 1)
        if entries.count > target {
            entries = Dictionary(
                uniqueKeysWithValues: entries.dropFirst(entries.count - target).map { ($0.key, $0.value) })
        }
    }
}

/// A token compared and hashed as its UTF-8 bytes (String's `==` is Unicode
/// canonical equivalence, which two different byte sequences can share).
///
/// The hash is made once, when the key is made: a lookup and the insertion
/// that follows a miss share it, and making room in a full cache rehashes an
/// `Int` per entry, not hundreds of bytes. It reads the length and the last
/// ``hashedSuffix`` bytes, the end of the token's signature, which differs from
/// token to token; equality compares every byte. Only verified tokens are
/// remembered, so tokens made to share an ending cannot crowd the table.
struct TokenBytes: Hashable, Sendable {
    let token: String
    let digest: Int
    static let hashedSuffix = 64

    init(_ token: String) {
        var token = token
        var hasher = Hasher()
        token.withUTF8 { bytes in
            hasher.combine(bytes.count)
            let suffix = UnsafeBufferPointer(rebasing: bytes.suffix(Self.hashedSuffix))
            hasher.combine(bytes: UnsafeRawBufferPointer(suffix))
        }
        self.token = token
        self.digest = hasher.finalize()
    }

    static func == (lhs: TokenBytes, rhs: TokenBytes) -> Bool {
        guard lhs.digest == rhs.digest else { return false }
        var (left, right) = (lhs.token, rhs.token)
        return left.withUTF8 { left in
            right.withUTF8 { right in
                left.count == right.count
                    && (left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(digest)
    }
}
