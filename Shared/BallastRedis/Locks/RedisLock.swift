import BallastCore
import Foundation

/// A lease on a Redis lock: the key and the random token that proves who holds it.
public struct LockLease: Sendable, Hashable {
    public let key: String
    public let token: String
    public let ttl: Duration

    public init(key: String, token: String, ttl: Duration) {
        self.key = key
        self.token = token
        self.ttl = ttl
    }
}

public enum LockError: Error, Equatable, CustomStringConvertible {
    /// The lock expired or was taken over while its holder was still working.
    case lost(key: String)

    public var description: String {
        switch self {
        case .lost(let key): "lock '\(key)' was lost before the work finished"
        }
    }
}

/// Distributed locks on one Redis: `SET key token NX PX ttl`, released and extended only by the holder.
///
/// A lock bounds overlap, it does not prove exclusivity (a paused holder can outlive its TTL): work that
/// must happen once also needs a fence in Postgres, as the scheduler's unique `(job, tick)` row.
public struct RedisLock: Sendable {
    public let client: RedisClient

    public init(client: RedisClient) {
        self.client = client
    }

    /// Takes the lock if it is free; nil when someone else holds it.
    ///
    /// When the reply to the `SET NX` is lost, the `SET` may have run, or may still run: asking again
    /// with a plain `SET NX` would find the key held, by us, and leave the lock orphaned until it expires.
    /// The same token goes out again in `acquireOrConfirm`, which takes the key when it is free and keeps
    /// it when it holds the token, so whichever runs first the answer is right. If that reply is lost
    /// too (after one resend), `.replyLost` is thrown and the key may hold the token until its TTL ends.
    public func acquire(_ key: String, ttl: Duration) async throws(RedisError) -> LockLease? {
        let token = UUID.random().uuidString
        let milliseconds = String(ttl.wholeMilliseconds)
        let isHeld: Bool
        do {
            isHeld = try await !client.send("SET", key, token, "NX", "PX", milliseconds).isNull
        } catch .replyLost {
            isHeld = try await evaluate(RedisScripts.acquireOrConfirm, key: key, arguments: [token, milliseconds]) == 1
        }
        return isHeld ? LockLease(key: key, token: token, ttl: ttl) : nil
    }

    /// Releases the lock if this lease still holds it; false when it had expired or changed hands (or,
    /// rarely, when a first attempt whose reply was lost had released it already).
    @discardableResult
    public func release(_ lease: LockLease) async throws(RedisError) -> Bool {
        try await evaluate(RedisScripts.compareAndDelete, key: lease.key, arguments: [lease.token]) == 1
    }

    /// Resets the TTL if this lease still holds the lock; false when it is no longer ours.
    public func extend(_ lease: LockLease, ttl: Duration? = nil) async throws(RedisError) -> Bool {
        let milliseconds = String((ttl ?? lease.ttl).wholeMilliseconds)
        return try await evaluate(RedisScripts.compareAndExpire, key: lease.key, arguments: [lease.token, milliseconds]) == 1
    }

    /// Runs `body` while holding the lock, extending it every third of its TTL; nil if the lock was taken.
    ///
    /// If an extension finds the lock gone, `body` is cancelled and `LockError.lost` thrown.
    public func withLock<Value: Sendable>(
        _ key: String,
        ttl: Duration,
        _ body: @escaping @Sendable (LockLease) async throws -> Value
    ) async throws -> Value? {
        guard let lease = try await acquire(key, ttl: ttl) else { return nil }
        do {
            let value = try await withThrowingTaskGroup(of: Value?.self) { group in
                group.addTask { try await body(lease) }
                group.addTask {
                    while true {
                        try await Task.sleep(for: ttl / 3)
                        // A Redis hiccup is not a lost lock; the next round (or expiry) decides.
                        if (try? await extend(lease)) == false { throw LockError.lost(key: key) }
                    }
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let value = result { return value }
                }
                throw LockError.lost(key: key)
            }
            _ = try? await release(lease)
            return value
        } catch {
            _ = try? await release(lease)
            throw error
        }
    }

    /// `EVAL` of a short script; Redis caches compiled scripts, and sending the text keeps it restart-proof.
    /// Every lock script acts on the caller's token only, so running one twice changes nothing more.
    private func evaluate(_ script: String, key: String, arguments: [String]) async throws(RedisError) -> Int {
        let command = RedisCommand(["EVAL", script, "1", key] + arguments).declaringIdempotent()
        return try await client.send(command).integer ?? 0
    }
}
