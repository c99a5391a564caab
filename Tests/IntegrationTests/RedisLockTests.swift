import BallastRedis
import Foundation
import Testing

@Suite("Distributed locks")
struct RedisLockTests {
    let lock: RedisLock

    init() throws {
        lock = RedisLock(client: RedisClient(endpoint: try TestServers.redis))
    }

    @Test("of many contenders exactly one holds the lock")
    func oneHolder() async throws {
        let key = TestServers.unique("ballast:test:lock")
        let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 { group.addTask { try await lock.acquire(key, ttl: .seconds(5)) != nil } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(winners == 1)
    }

    @Test("only the holder can release or extend the lock")
    func onlyHolderReleases() async throws {
        let key = TestServers.unique("ballast:test:lock")
        let lease = try #require(try await lock.acquire(key, ttl: .seconds(60)))
        let impostor = LockLease(key: key, token: "not-the-token", ttl: .seconds(60))
        #expect(try await lock.release(impostor) == false)
        #expect(try await lock.extend(impostor) == false)
        #expect(try await lock.acquire(key, ttl: .seconds(60)) == nil)
        #expect(try await lock.extend(lease) == true)
        #expect(try await lock.release(lease) == true)
        #expect(try await lock.acquire(key, ttl: .seconds(60)) != nil)
    }

    @Test("an expired lock can be taken by someone else, and the old holder cannot release it")
    func expiry() async throws {
        let key = TestServers.unique("ballast:test:lock")
        let first = try #require(try await lock.acquire(key, ttl: .milliseconds(150)))
        try await Task.sleep(for: .milliseconds(300))
        let second = try #require(try await lock.acquire(key, ttl: .seconds(5)))
        #expect(try await lock.release(first) == false)
        #expect(try await lock.release(second) == true)
    }

    @Test("withLock never lets two bodies overlap, and keeps the lock past its TTL while working")
    func withLockExcludesAndExtends() async throws {
        let key = TestServers.unique("ballast:test:lock")
        let gauge = OverlapGauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<5 {
                        // A TTL well above the test machine's stalls; the extension is what is tested.
                        _ = try await lock.withLock(key, ttl: .seconds(10)) { _ in
                            gauge.enter()
                            try await Task.sleep(for: .milliseconds(20))
                            gauge.leave()
                        }
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(gauge.peak == 1)
        #expect(gauge.entries > 1)

        // A body that outlives three TTLs still holds the lock throughout (a TTL of 3 s: the extension runs
        // every second, so a stall of up to 2 s on a loaded machine does not lose it).
        let longKey = TestServers.unique("ballast:test:lock")
        let heldThroughout = try await lock.withLock(longKey, ttl: .seconds(3)) { _ in
            var held = true
            for _ in 0..<8 {
                try await Task.sleep(for: .milliseconds(1_200))
                if try await lock.acquire(longKey, ttl: .seconds(5)) != nil { held = false }
            }
            return held
        }
        #expect(heldThroughout == true)
        #expect(try await lock.acquire(longKey, ttl: .seconds(5)) != nil)
    }
}
