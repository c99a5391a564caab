import BallastCore
import Foundation
import PostgresNIO
import Testing

/// `claim_job_tick` against a run whose instance froze inside one of its fenced transactions.
@Suite("Claiming a tick behind a frozen run")
struct JobClaimTests {
    @Test("a claim behind a run frozen inside a fenced transaction answers busy within seconds instead of waiting for it")
    func claimDoesNotWaitForever() async throws {
        try await TestDatabase.with { database, _ in
            let job = TestServers.unique("frozen")
            try await database.query(
                """
                INSERT INTO job_runs (job, tick, trigger, instance, heartbeat_at)
                VALUES (\(job), now() - interval '1 minute', 'schedule', 'frozen-instance', now() - interval '1 minute')
                """)
            // The frozen body: inside its transaction it holds its run's fence and never commits.
            let frozen = Task {
                try await database.withTransaction(logger: TestServers.logger) { connection in
                    try await connection.query(
                        "SELECT 1 FROM job_runs WHERE job = \(job) AND finished_at IS NULL FOR KEY SHARE", logger: TestServers.logger)
                    try await Task.sleep(for: .seconds(30))
                }
            }
            defer { frozen.cancel() }
            try await Task.sleep(for: .milliseconds(300))

            let started = ContinuousClock.now
            let outcome = try await withTimeout(.seconds(15)) {
                let rows = try await database.query(
                    "SELECT outcome FROM claim_job_tick(\(job), now(), 'schedule', 'other', 30, NULL)")
                var outcome = ""
                for try await value in rows.decode(String.self) { outcome = value }
                return outcome
            }
            #expect(outcome == "busy")
            #expect(ContinuousClock.now - started < .seconds(10))
            // The frozen run keeps its row: it was not abandoned under its open transaction.
            #expect(try await database.count("SELECT count(*) FROM job_runs WHERE job = \(job) AND outcome = 'running'") == 1)
        }
    }
}
