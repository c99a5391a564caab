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
        let client = RedisClient(endpoint: server.endpoint, poolSize: 1, commandTimeout: Self.commandTimeout)
        let lock = RedisLock(client: client)
        let (key, lease) = try await whileStalled(server.endpoint, client: client, commandTimeout: Self.commandTimeout) { attempt in
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
        let (key, reply) = try await whileStalled(server.endpoint, client: client, commandTimeout: Self.commandTimeout) { attempt in
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
        let (stream, published) = try await whileStalled(server.endpoint, client: client, commandTimeout: Self.commandTimeout) { attempt in
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
        let value = try await whileStalled(server.endpoint, client: client, commandTimeout: Self.commandTimeout) { _ in
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

/// Runs `scenario` (its command first, sent by `client`) while Redis is busy in a script, as with a slow
/// command: commands sent meanwhile wait and run afterwards, so their reply comes after the caller's
/// timeout. (`DEBUG SLEEP` does the same, but Redis 7 disables `DEBUG` by default.) The script runs to a
/// time fixed in advance, and the scenario starts 1.5 timeouts before it. An attempt counts only if the
/// command's reply was really lost: `client`'s connection (one, `CLIENT ID`) was replaced meanwhile. On a
/// loaded machine the command can reach Redis before the stall begins or after it ends; such an attempt
/// tested nothing and is run again (the scenario gets the attempt's number, for fresh keys).
private func whileStalled<Value: Sendable>(
    _ endpoint: RedisEndpoint, client: RedisClient, commandTimeout: Duration, _ scenario: (Int) async -> Value
) async throws -> Value {
    let staller = RedisClient(endpoint: endpoint, poolSize: 1, commandTimeout: .seconds(30))
    let script = """
        local now
        repeat
            now = redis.call('TIME')
        until tonumber(now[1]) * 1000000 + tonumber(now[2]) >= tonumber(ARGV[1])
        return 1
        """
    let probe = RedisClient(endpoint: endpoint, poolSize: 1, commandTimeout: .milliseconds(100))
    let remaining = commandTimeout * 1.5
    for attempt in 0..<8 {
        let connection = try await client.send("CLIENT", "ID").integer
        let time = try await staller.send("TIME").array?.compactMap { $0.string.flatMap { Int64($0) } } ?? []
        guard time.count == 2 else { throw TestSetupError("TIME gave \(time)") }
        let end = ContinuousClock.now + remaining + .seconds(2)
        let endMicroseconds = time[0] * 1_000_000 + time[1] + (remaining + .seconds(2)).wholeMilliseconds * 1_000
        let stall = Task { try await staller.send(RedisCommand(["EVAL", script, "0", String(endMicroseconds)])) }
        // Probably begun once two probes in a row go unanswered; the replaced connection settles it afterwards.
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
        let value = await scenario(attempt)
        _ = try await stall.value
        if try await client.send("CLIENT", "ID").integer != connection { return value }
    }
    throw TestSetupError("the command's reply was never lost behind the stall, in eight attempts")
}
