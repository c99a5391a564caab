import BallastCore
import BallastRedis
import Foundation
import Testing

/// A command that Redis runs after its caller gave up waiting: the caller cannot tell whether it ran,
/// so only commands that may run twice are sent again. Each test stalls a Redis of its own, so other
/// suites never wait for these stalls.
@Suite("Redis replies lost after a timeout")
struct RedisReplyLostTests {
    /// Shorter than the stall, so the reply to a command sent during the stall comes after the timeout.
    /// A command sent this long before the stall ends times out once, and a resend is answered in time.
    static let commandTimeout: Duration = .seconds(1)

    @Test("a lock acquire whose reply arrives after the timeout still holds the lock")
    func lockAcquireWithLostReply() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let lock = RedisLock(client: RedisClient(endpoint: server.endpoint, poolSize: 1, commandTimeout: Self.commandTimeout))
        let key = "ballast:test:lock"

        let stalled = try await stallRedis(server.endpoint, endingIn: Self.commandTimeout * 1.5)
        let lease = try await lock.acquire(key, ttl: .seconds(30))
        try await stalled.value

        let held = try #require(lease, "the key holds a token this caller sent, so the lock is this caller's")
        let observer = RedisClient(endpoint: server.endpoint, poolSize: 1)
        #expect(try await observer.send("GET", key).string == held.token)
        #expect(try await lock.release(held))
        await server.stop()
    }

    @Test("an INCR whose reply arrives after the timeout runs once, and its caller learns the reply was lost")
    func counterWithLostReply() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let client = RedisClient(endpoint: server.endpoint, poolSize: 1, commandTimeout: Self.commandTimeout)
        let key = "ballast:test:counter"

        let stalled = try await stallRedis(server.endpoint, endingIn: Self.commandTimeout * 1.5)
        let error = await #expect(throws: RedisError.self) { try await client.send("INCR", key) }
        try await stalled.value

        #expect(error?.isConnectionProblem == true)
        let observer = RedisClient(endpoint: server.endpoint, poolSize: 1)
        #expect(try await observer.send("GET", key).string == "1")
        await server.stop()
        guard case .replyLost = error else {
            Issue.record("expected .replyLost, got \(String(describing: error))")
            return
        }
    }

    @Test("a batch published while Redis stalls past the timeout is appended once")
    func publishWithLostReply() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let client = RedisClient(endpoint: server.endpoint, poolSize: 1, commandTimeout: Self.commandTimeout)
        let stream = "ballast:test:published"

        let stalled = try await stallRedis(server.endpoint, endingIn: Self.commandTimeout * 1.5)
        await #expect(throws: RedisError.self) {
            try await StreamProducer(client: client).publish(testEnvelopes(3).map { (stream, $0) })
        }
        try await stalled.value

        let observer = RedisClient(endpoint: server.endpoint, poolSize: 1)
        #expect(try await observer.length(of: stream) == 3)
        await server.stop()
    }

    @Test("a GET whose reply arrives after the timeout is sent again and answered")
    func readWithLostReply() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let client = RedisClient(endpoint: server.endpoint, poolSize: 1, commandTimeout: Self.commandTimeout)
        let key = "ballast:test:value"
        try await client.send("SET", key, "42")

        let stalled = try await stallRedis(server.endpoint, endingIn: Self.commandTimeout * 1.5)
        let value = try await client.send("GET", key).string
        try await stalled.value

        #expect(value == "42")
        await server.stop()
    }
}

/// Keeps Redis busy in a script, as a slow command would: commands sent meanwhile wait and run afterwards.
/// (`DEBUG SLEEP` does the same, but Redis 7 disables `DEBUG` by default.) The script runs until a time
/// fixed in advance, so this returns, once the stall is seen to have begun, exactly `remaining` before
/// it ends, however late a loaded machine started it. The returned task ends with the stall.
private func stallRedis(_ endpoint: RedisEndpoint, endingIn remaining: Duration) async throws -> Task<Void, any Error> {
    let client = RedisClient(endpoint: endpoint, poolSize: 1, commandTimeout: .seconds(30))
    let script = """
        local now
        repeat
            now = redis.call('TIME')
        until tonumber(now[1]) * 1000000 + tonumber(now[2]) >= tonumber(ARGV[1])
        return 1
        """
    let probe = RedisClient(endpoint: endpoint, poolSize: 1, commandTimeout: .milliseconds(100))
    for _ in 0..<3 {
        // Redis's own clock, so the end is where the script will see it.
        let time = try await client.send("TIME").array?.compactMap { $0.string.flatMap { Int64($0) } } ?? []
        guard time.count == 2 else { throw TestSetupError("TIME gave \(time)") }
        let end = ContinuousClock.now + remaining + .seconds(2)
        let endMicroseconds = time[0] * 1_000_000 + time[1] + (remaining + .seconds(2)).wholeMilliseconds * 1_000
        let stall = Task {
            try await client.send(RedisCommand(["EVAL", script, "0", String(endMicroseconds)]))
            return
        }
        // Begun once two probes in a row go unanswered: on a loaded machine one PING can miss 100 ms.
        var unanswered = 0
        while unanswered < 2, ContinuousClock.now < end - remaining - .milliseconds(200) {
            if await probe.isReachable() {
                unanswered = 0
                try await Task.sleep(for: .milliseconds(5))
            } else {
                unanswered += 1
            }
        }
        if unanswered == 2 && ContinuousClock.now < end - remaining {
            try await Task.sleep(until: end - remaining)
            return stall
        }
        // Seen too late to leave `remaining`: let this stall pass and start another.
        try await stall.value
    }
    throw TestSetupError("Redis did not stall in time, three times")
}
