import BallastCore
import BallastRedis
import Foundation
import Testing

/// A command that Redis runs after its caller gave up waiting: the caller cannot tell whether it ran,
/// so only commands that may run twice are sent again. Each test stalls a Redis of its own, so other
/// suites never wait for these stalls.
@Suite("Redis replies lost after a timeout")
struct RedisReplyLostTests {
    /// A command sent 1.5 timeouts before the stall ends times out once, and a resend is answered in time.
    static let commandTimeout: Duration = .seconds(1)

    @Test("a lock acquire whose reply arrives after the timeout still holds the lock")
    func lockAcquireWithLostReply() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let lock = RedisLock(client: RedisClient(endpoint: server.endpoint, poolSize: 1, commandTimeout: Self.commandTimeout))
        let (key, lease) = try await whileStalled(server.endpoint, commandTimeout: Self.commandTimeout) { attempt in
            let key = "ballast:test:lock:\(attempt)"
            return (key, await capture { () throws(RedisError) in try await lock.acquire(key, ttl: .seconds(30)) })
        }

        let held = try #require(try lease.get(), "the key holds a token this caller sent, so the lock is this caller's")
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
        let (key, reply) = try await whileStalled(server.endpoint, commandTimeout: Self.commandTimeout) { attempt in
            let key = "ballast:test:counter:\(attempt)"
            return (key, await capture { () throws(RedisError) in try await client.send("INCR", key) })
        }

        let observer = RedisClient(endpoint: server.endpoint, poolSize: 1)
        #expect(try await observer.send("GET", key).string == "1")
        await server.stop()
        guard case .failure(.replyLost) = reply else {
            Issue.record("expected .replyLost, got \(reply)")
            return
        }
    }

    @Test("a batch published while Redis stalls past the timeout is appended once")
    func publishWithLostReply() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let client = RedisClient(endpoint: server.endpoint, poolSize: 1, commandTimeout: Self.commandTimeout)
        let (stream, published) = try await whileStalled(server.endpoint, commandTimeout: Self.commandTimeout) { attempt in
            let stream = "ballast:test:published:\(attempt)"
            let published = await capture { () throws(RedisError) in
                try await StreamProducer(client: client).publish(testEnvelopes(3).map { (stream, $0) })
            }
            return (stream, published)
        }

        #expect((try? published.get()) == nil, "the caller must learn that the batch may not have been appended")
        let observer = RedisClient(endpoint: server.endpoint, poolSize: 1)
        #expect(try await observer.length(of: stream) == 3)
        await server.stop()
    }

    @Test("a GET whose reply arrives after the timeout is sent again and answered")
    func readWithLostReply() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let client = RedisClient(endpoint: server.endpoint, poolSize: 1, commandTimeout: Self.commandTimeout)
        try await client.send("SET", "ballast:test:value", "42")
        let value = try await whileStalled(server.endpoint, commandTimeout: Self.commandTimeout) { _ in
            await capture { () throws(RedisError) in try await client.send("GET", "ballast:test:value").string }
        }

        #expect(try value.get() == "42")
        await server.stop()
    }
}

/// The outcome of `body`, kept to be checked once the attempt is known to have tested something.
private func capture<Value>(_ body: () async throws(RedisError) -> Value) async -> Result<Value, RedisError> {
    do {
        return .success(try await body())
    } catch {
        return .failure(error)
    }
}

/// Runs `scenario` (its command first) while Redis is busy in a script, as with a slow command: commands sent
/// meanwhile wait and run afterwards, so their reply comes after the caller's timeout. (`DEBUG SLEEP` does
/// the same, but Redis 7 disables `DEBUG` by default.) The script runs to a time fixed in advance, and the
/// scenario starts 1.5 timeouts before it. The script returns when it started, on Redis's clock: an attempt
/// whose command a loaded machine let in before the stall began did not test anything, and is run again
/// (the scenario gets the attempt's number, for fresh keys).
private func whileStalled<Value: Sendable>(
    _ endpoint: RedisEndpoint, commandTimeout: Duration, _ scenario: (Int) async -> Value
) async throws -> Value {
    let client = RedisClient(endpoint: endpoint, poolSize: 1, commandTimeout: .seconds(30))
    let script = """
        local started = redis.call('TIME')
        local now
        repeat
            now = redis.call('TIME')
        until tonumber(now[1]) * 1000000 + tonumber(now[2]) >= tonumber(ARGV[1])
        return tonumber(started[1]) * 1000000 + tonumber(started[2])
        """
    let probe = RedisClient(endpoint: endpoint, poolSize: 1, commandTimeout: .milliseconds(100))
    let remaining = commandTimeout * 1.5
    for attempt in 0..<5 {
        let time = try await client.send("TIME").array?.compactMap { $0.string.flatMap { Int64($0) } } ?? []
        guard time.count == 2 else { throw TestSetupError("TIME gave \(time)") }
        let (redisOrigin, localOrigin) = (time[0] * 1_000_000 + time[1], ContinuousClock.now)
        func redisTime(at instant: ContinuousClock.Instant) -> Int64 { redisOrigin + (instant - localOrigin).wholeMilliseconds * 1_000 }
        let end = localOrigin + remaining + .seconds(2)
        let stall = Task { try await client.send(RedisCommand(["EVAL", script, "0", String(redisTime(at: end))])).integer }
        // Probably begun once two probes in a row go unanswered; the script's answer settles it afterwards.
        var unanswered = 0
        while unanswered < 2, ContinuousClock.now < end - remaining {
            if await probe.isReachable() {
                unanswered = 0
                try await Task.sleep(for: .milliseconds(5))
            } else {
                unanswered += 1
            }
        }
        guard ContinuousClock.now < end - remaining else {
            _ = try await stall.value
            continue
        }
        try await Task.sleep(until: end - remaining)
        let sentAt = redisTime(at: .now)
        let value = await scenario(attempt)
        // 50 ms for the two clocks' offset: a command sent that close to the script's start proves nothing.
        if let started = try await stall.value, started < sentAt - 50_000 { return value }
    }
    throw TestSetupError("the command never reached Redis while it was stalled, in five attempts")
}
