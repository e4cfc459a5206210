/// Server-provided DPoP nonces (RFC 9449 §8, §9), kept by nobody: a nonce is a time window's number and an HMAC of it.
///
/// Introduced in step 10, Going further: DPoP. A server that requires
/// nonces refuses a proof without a fresh one with `use_dpop_nonce` and a
/// `DPoP-Nonce` header; the client signs a new proof with that nonce. Nothing
/// is stored per client: every server holding the same key (replicas given
/// one `DPOP_NONCE_SECRET`) accepts every other's nonces. A nonce is good in
/// its window and the next one, so for one to two ``windowSeconds``; proofs
/// then cannot be made ahead of time for later use (RFC 9449 §11.2).
///
/// ```swift
/// let nonces = DPoPNonces()                           // a key of this process
/// let nonce = nonces.current()                        // for the DPoP-Nonce header
/// nonces.isValid(nonce)                               // true, for this window and the next
/// ```
///
/// - SeeAlso: RFC 9449 §8 (resource server nonces), §9 (authorization server nonces), §11.2
public import Crypto
public import Foundation

public struct DPoPNonces: Sendable {
    /// How long one window lasts.
    public let windowSeconds: TimeInterval
    let key: SymmetricKey
    let now: @Sendable () -> Date

    /// Nonces under `key` (a new random one by default: then only this process accepts them).
    public init(
        key: SymmetricKey = SymmetricKey(size: .bits256), windowSeconds: TimeInterval = 60,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.key = key
        self.windowSeconds = windowSeconds
        self.now = now
    }

    /// Nonces under a key derived from `secret`, shared by the replicas that are given it.
    public init(secret: String, windowSeconds: TimeInterval = 60, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(key: SymmetricKey(data: SHA256.hash(data: Data(secret.utf8))), windowSeconds: windowSeconds, now: now)
    }

    /// The nonce of the current window.
    public func current() -> String {
        nonce(for: window(of: now()))
    }

    /// Whether `nonce` is this key's, of the current window or the one before.
    public func isValid(_ nonce: String) -> Bool {
        guard let data = Data(base64URLEncoded: nonce), data.count == 8 + 16 else { return false }
        let window = data.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let current = self.window(of: now())
        guard window == current || window + 1 == current else { return false }
        return Self.equal(Data(data.suffix(16)), tag(for: window))
    }

    func window(of date: Date) -> UInt64 {
        UInt64(max(0, date.timeIntervalSince1970 / windowSeconds))
    }

    func nonce(for window: UInt64) -> String {
        (Self.bytes(of: window) + tag(for: window)).base64URLEncodedString()
    }

    /// The first 16 bytes of HMAC-SHA256(key, window).
    func tag(for window: UInt64) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Self.bytes(of: window), using: key)).prefix(16)
    }

    static func bytes(of window: UInt64) -> Data {
        Data((0..<8).reversed().map { UInt8(truncatingIfNeeded: window >> (8 * $0)) })
    }

    /// Compares in time that depends on the length only.
    static func equal(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
