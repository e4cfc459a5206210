/// The `jti`s of recent DPoP proofs: each proof is accepted once.
///
/// Introduced in step 10, Going further: DPoP. A proof is a signed statement
/// "I, holder of this key, send this method to this URL now"; anyone who sees
/// it in transit could send it again within its time window. So a verifier
/// remembers every accepted `jti` until no proof with that `jti` could still
/// pass the `iat` check, and refuses it the second time.
///
/// - The check and the insertion are one step under a `Mutex`: of two
///   concurrent requests carrying the same `jti`, exactly one passes.
/// - An entry lives for the proof window (the maximum age plus the allowed
///   future skew, measured from when it was accepted), then is dropped.
/// - The size is bounded (``capacity``). When it is full of entries that are
///   all still live, new proofs are refused (``Outcome/full``) rather than an
///   entry forgotten early: forgetting would reopen a replay. 100 000 entries
///   of at most 256-byte `jti`s cost a few tens of MiB at most.
///
/// Pure in-memory bookkeeping, no I/O; each call is O(1) amortised.
///
/// ```swift
/// let cache = DPoPReplayCache()
/// cache.accept("e1j3V_bKic8-LAEB", until: now + 330, now: now)   // .accepted
/// cache.accept("e1j3V_bKic8-LAEB", until: now + 330, now: now)   // .replayed
/// ```
///
/// - SeeAlso: RFC 9449 §11.1 (DPoP Proof Replay)
public import Foundation
import Synchronization

public final class DPoPReplayCache: Sendable {
    /// The most `jti`s remembered at once.
    public let capacity: Int
    private let state: Mutex<State>

    /// What happened to a `jti`.
    public enum Outcome: Sendable, Equatable {
        /// First seen: remembered, the proof may pass.
        case accepted
        /// Seen before, and still remembered: a replay.
        case replayed
        /// Too many live proofs remembered to take one more.
        case full
    }

    struct State {
        var expiries: [String: Date] = [:]
        /// `jti`s in the order they were accepted; their expiries only grow (one window after acceptance).
        var order: [String] = []
        var head = 0
    }

    public init(capacity: Int = 100_000) {
        self.capacity = max(capacity, 1)
        self.state = Mutex(State())
    }

    /// Accepts `jti` unless it is remembered; a newly accepted one is remembered until `expiry`.
    public func accept(_ jti: String, until expiry: Date, now: Date) -> Outcome {
        state.withLock { state in
            state.dropExpired(now: now)
            if state.expiries[jti] != nil { return .replayed }
            guard state.expiries.count < capacity else { return .full }
            state.expiries[jti] = expiry
            state.order.append(jti)
            return .accepted
        }
    }

    /// How many `jti`s are remembered now.
    public var count: Int { state.withLock { $0.expiries.count } }
}

extension DPoPReplayCache.State {
    /// Drops entries from the front of the acceptance order while they are past their expiry.
    mutating func dropExpired(now: Date) {
        while head < order.count {
            let jti = order[head]
            if let expiry = expiries[jti], expiry > now { break }
            expiries[jti] = nil
            head += 1
        }
        if head > 1024 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
