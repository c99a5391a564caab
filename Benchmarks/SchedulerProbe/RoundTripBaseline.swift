import BallastRedis
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The floor under the scheduler's overhead, measured the same way: once a second, half a second
/// away from the ticks, from an otherwise idle process, the round trips a run makes without the
/// scheduler's logic: Redis `SET NX PX`, a one-row `INSERT` and an `UPDATE` committed in Postgres,
/// Redis `DEL`.
struct RoundTripBaseline: Service {
    let redis: RedisClient
    let database: PostgresClient
    let instance: String
    let samples: LatencySamples
    let logger: Logger

    func run() async throws {
        let key = "ballast:bench:baseline:\(instance)"
        while !Task.isShuttingDownGracefully {
            let now = Date().timeIntervalSince1970
            let wait = now.rounded(.down) + 1.5 - now
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(wait.truncatingRemainder(dividingBy: 1))) }
            } catch {
                return
            }
            let started = ContinuousClock.now
            _ = try await redis.send("SET", key, "token", "NX", "PX", "5000")
            let rows = try await database.query(
                "INSERT INTO scheduler_probe_baseline (instance) VALUES (\(instance)) RETURNING id",
                logger: logger
            )
            var id: Int64 = 0
            for try await value in rows.decode(Int64.self) { id = value }
            try await database.query("UPDATE scheduler_probe_baseline SET done = true WHERE id = \(id)", logger: logger)
            _ = try await redis.send("DEL", key)
            samples.record(ContinuousClock.now - started)
        }
    }
}
