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
    /// The stall leaves room for a probe, a command that times out, and a resend answered within its own timeout.
    static let commandTimeout: Duration = .seconds(1)
    static let stall: Duration = .seconds(2)

    @Test("a lock acquire whose reply arrives after the timeout still holds the lock")
    func lockAcquireWithLostReply() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let lock = RedisLock(client: RedisClient(endpoint: server.endpoint, poolSize: 1, commandTimeout: Self.commandTimeout))
        let key = "ballast:test:lock"

        let stalled = try await stallRedis(server.endpoint, for: Self.stall)
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

        let stalled = try await stallRedis(server.endpoint, for: Self.stall)
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

        let stalled = try await stallRedis(server.endpoint, for: Self.stall)
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

        let stalled = try await stallRedis(server.endpoint, for: Self.stall)
        let value = try await client.send("GET", key).string
        try await stalled.value

        #expect(value == "42")
        await server.stop()
    }
}

/// Keeps Redis busy in a script for `duration`, as a slow command would: commands sent meanwhile wait
/// and run afterwards. (`DEBUG SLEEP` does the same, but Redis 7 disables `DEBUG` by default.)
/// Returns once the stall has begun; the returned task ends with it.
private func stallRedis(_ endpoint: RedisEndpoint, for duration: Duration) async throws -> Task<Void, any Error> {
    let client = RedisClient(endpoint: endpoint, poolSize: 1, commandTimeout: duration + .seconds(5))
    try await client.send("PING")
    let script = """
        local started = redis.call('TIME')
        local origin = tonumber(started[1]) * 1000000 + tonumber(started[2])
        local now
        repeat
            now = redis.call('TIME')
        until tonumber(now[1]) * 1000000 + tonumber(now[2]) - origin >= tonumber(ARGV[1]) * 1000
        return 1
        """
    let stall = Task {
        try await client.send(RedisCommand(["EVAL", script, "0", String(duration.wholeMilliseconds)]))
        return
    }
    // Returns once Redis has stopped answering, however late the script started. Two unanswered probes in a
    // row, not one: on a loaded machine a single PING can miss 100 ms before the script has begun.
    let probe = RedisClient(endpoint: endpoint, poolSize: 1, commandTimeout: .milliseconds(100))
    let deadline = ContinuousClock.now + duration / 2
    var unanswered = 0
    while unanswered < 2 {
        guard ContinuousClock.now < deadline else { throw TestSetupError("Redis did not stall") }
        if await probe.isReachable() {
            unanswered = 0
            try await Task.sleep(for: .milliseconds(5))
        } else {
            unanswered += 1
        }
    }
    return stall
}
