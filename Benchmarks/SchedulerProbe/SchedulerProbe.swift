import BallastCore
import BallastPostgres
import BallastRedis
import BallastScheduler
import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Runs scheduler jobs as one instance among several, for the multi-process tests and
/// scripts/bench/scheduler. Each run records itself in `scheduler_probe_effects` (`ProbeWork`). On exit
/// it prints the scheduler's overhead per run (lock, fence, record, unlock) as `name value` lines.
@main
struct SchedulerProbe {
    static func main() async throws {
        let options: ProbeOptions
        do {
            options = try ProbeOptions(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("ballast-scheduler-probe: \(error)\n".utf8))
            exit(2)
        }
        let environment = ProcessInfo.processInfo.environment
        let redisEndpoint = try RedisEndpoint(
            url: environment["BALLAST_REDIS_URL"] ?? "redis://127.0.0.1:6379",
            variable: "BALLAST_REDIS_URL"
        )
        let postgresEndpoint = try PostgresEndpoint(
            url: environment["BALLAST_DATABASE_URL"] ?? "postgres://ballast:ballast@127.0.0.1:5432/ballast",
            variable: "BALLAST_DATABASE_URL"
        )
        let overhead = OverheadRecorder(label: "ballast_job_overhead_seconds")
        MetricsSystem.bootstrap(overhead)
        var logger = Logger(label: "scheduler-probe")
        logger.logLevel = Logger.Level(rawValue: environment["BALLAST_LOG_LEVEL"] ?? "") ?? .warning

        let database = Database.makeClient(postgresEndpoint, maxConnections: 10, logger: logger)
        let redis = RedisClient(endpoint: redisEndpoint, poolSize: 4)
        let instance = options.instance
        let jobs = try options.jobs.map { spec in
            let work = ProbeWork(database: database, instance: instance, work: spec.work, steps: spec.steps)
            return try Job(spec.name, schedule: spec.schedule, timeout: spec.timeout, catchUp: spec.catchUp, lockTTL: spec.lockTTL) {
                run in try await work.run(run)
            }
        }
        let runner = JobRunner(
            jobs: jobs,
            database: database,
            redis: redis,
            configuration: .init(service: "scheduler-probe", instance: instance),
            logger: logger
        )
        let preparation = Preparation(database: database, instance: instance, duration: options.duration, logger: logger)
        let baseline = LatencySamples()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: database),
            .init(service: preparation, successTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: runner),
        ]
        if options.measuresBaseline {
            services.append(
                .init(service: RoundTripBaseline(redis: redis, database: database, instance: instance, samples: baseline, logger: logger))
            )
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        let p50 = overhead.samples.quantile(0.5)
        print("runs \(p50.count)")
        print(String(format: "overhead_p50_ms %.3f", p50.milliseconds))
        print(String(format: "overhead_p99_ms %.3f", overhead.samples.quantile(0.99).milliseconds))
        if options.measuresBaseline {
            print(String(format: "baseline_p50_ms %.3f", baseline.quantile(0.5).milliseconds))
            print(String(format: "baseline_p99_ms %.3f", baseline.quantile(0.99).milliseconds))
        }
    }
}

/// Migrates and creates the probe's tables (under a lock: several probes start at once), then ends the
/// run after `--duration`, or waits for SIGTERM.
struct Preparation: Service {
    let database: PostgresClient
    let instance: String
    let duration: Duration?
    let logger: Logger

    func run() async throws {
        try await Migrator(client: database, logger: logger).migrate()
        try await database.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(4242)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS scheduler_probe_effects (
                    job text NOT NULL, tick timestamptz NOT NULL, instance text NOT NULL,
                    at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    steps integer NOT NULL DEFAULT 0, last_write_at timestamptz
                )
                """,
                logger: logger
            )
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS scheduler_probe_baseline (
                    id bigserial PRIMARY KEY, instance text NOT NULL, done boolean NOT NULL DEFAULT false
                )
                """,
                logger: logger
            )
        }
        // Unbuffered: the tests wait for this line.
        FileHandle.standardOutput.write(Data("ready \(instance)\n".utf8))
        if let duration {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
        } else {
            try await gracefulShutdown()
        }
    }
}
