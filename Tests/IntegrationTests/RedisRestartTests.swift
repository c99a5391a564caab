import BallastCore
import BallastRedis
import Foundation
import Testing

@Suite("Redis restarts", .serialized)
struct RedisRestartTests {
    @Test("producer and consumer recover from a Redis restart mid-run and nothing is lost")
    func restartMidRun() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let redis = RedisClient(endpoint: server.endpoint, commandTimeout: .seconds(2))
        let stream = "ballast:test"
        let producer = StreamProducer(client: redis)
        let received = Recorder<String>()
        let consumer = StreamConsumer(
            configuration: testConsumerConfiguration(stream: stream, consumer: "c1"),
            client: redis,
            handler: ConcurrentMessageHandler { received.append($0.envelope.id) },
            logger: TestServers.logger
        )
        let envelopes = testEnvelopes(600)
        try await whileRunning([consumer]) {
            // Publish in small batches; a batch that fails while Redis is down is retried until it lands.
            for (index, batch) in envelopes.chunked(by: 20).enumerated() {
                if index == 10 {
                    await server.stop()
                    Task {
                        try await Task.sleep(for: .milliseconds(700))
                        try await server.start()
                    }
                }
                var backoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(400))
                while true {
                    do {
                        try await producer.publish(batch.map { (stream, $0) })
                        break
                    } catch {
                        try await backoff.wait()
                    }
                }
            }
            #expect(await eventually(timeout: .seconds(30)) { Set(received.all).count == 600 })
        }
        #expect(Set(received.all) == Set(envelopes.map(\.id)))
        await server.stop()
    }

    @Test("after a Redis restart, a command that must not run twice goes through on the first call, once")
    func firstCommandAfterRestart() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let redis = RedisClient(endpoint: server.endpoint, poolSize: 1, commandTimeout: .seconds(2))
        let key = "ballast:test:counter"
        #expect(try await redis.send("INCR", key).integer == 1)

        await server.stop()
        try await server.start()

        // The pooled connection is stale; the restart must not cost this caller an error.
        #expect(try await redis.send("INCR", key).integer == 2)
        #expect(try await redis.send("GET", key).string == "2")
        await server.stop()
    }
}

extension Array {
    func chunked(by size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
