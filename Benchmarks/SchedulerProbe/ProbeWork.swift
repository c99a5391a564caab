import BallastPostgres
import BallastScheduler
import PostgresNIO

/// The body of a probe job. It inserts the run's row into `scheduler_probe_effects` (no unique key, so a
/// tick run twice would show twice), then works for `work` in `steps` equal pieces and records each piece
/// on that row; the last piece is the end of the run. Every write is a transaction that holds the run's
/// fence, as a real job's would, so the tests can check that a run taken over writes nothing more.
struct ProbeWork: Sendable {
    let database: PostgresClient
    let instance: String
    let work: Duration
    let steps: Int

    func run(_ run: JobRun) async throws {
        try await database.transaction(logger: run.logger) { connection in
            try await run.holdFence(on: connection)
            try await connection.query(
                "INSERT INTO scheduler_probe_effects (job, tick, instance) VALUES (\(run.job), \(run.tick), \(instance))",
                logger: run.logger
            )
        }
        for _ in 0..<steps {
            try await Task.sleep(for: work / steps)
            try await database.transaction(logger: run.logger) { connection in
                try await run.holdFence(on: connection)
                try await connection.query(
                    """
                    UPDATE scheduler_probe_effects SET steps = steps + 1, last_write_at = clock_timestamp()
                    WHERE job = \(run.job) AND tick = \(run.tick) AND instance = \(instance)
                    """,
                    logger: run.logger
                )
            }
        }
    }
}
