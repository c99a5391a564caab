import BallastCore
import BallastPostgres
import BallastRedis
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import BallastScheduler
@testable import BallastService

@Suite("Retention jobs delete old trades, sent outbox rows and processed message ids in batches")
struct RetentionPurgeTests {
    static let day: TimeInterval = 86_400

    static func context(_ database: PostgresClient, service: ServiceName) throws -> ServiceContext {
        let configuration = try ServiceConfiguration(service: service, environment: EnvironmentReader([:]))
        return ServiceContext(
            configuration: configuration,
            logger: TestServers.logger,
            redis: RedisClient(endpoint: try TestServers.redis),
            database: database,
            health: HealthRegistry()
        )
    }

    static func run(_ job: Job, at tick: Date) async throws {
        try await job.body(JobRun(id: 1, job: job.name, tick: tick, trigger: .manual, logger: TestServers.logger))
    }

    static func insertTrade(_ id: Int, tradedAt: Date, into database: PostgresClient) async throws {
        try await database.query(
            """
            INSERT INTO trades (symbol, trade_id, price, quantity, side, traded_at)
            VALUES ('BTC-USD', \(id), 100, 1, 'buy', \(tradedAt))
            """
        )
    }

    static func insertOutbox(_ id: String, createdAt: Date, sentAt: Date?, into database: PostgresClient) async throws {
        try await database.query(
            """
            INSERT INTO outbox (message_id, stream, type, version, occurred_at, data, created_at, sent_at)
            VALUES (\(id), 'ballast:events', 'test', 1, \(createdAt), '{}', \(createdAt), \(sentAt))
            """
        )
    }

    static func ids(_ query: PostgresQuery, in database: PostgresClient) async throws -> [String] {
        var ids: [String] = []
        for try await id in try await database.query(query).decode(String.self) { ids.append(id) }
        return ids.sorted()
    }

    @Test("trades.purge deletes trades older than 30 days and keeps newer ones")
    func tradesOlderThanTheRetentionAreDeleted() async throws {
        try await TestDatabase.with { database, _ in
            let now = Date()
            for (id, age) in [(1, 400.0), (2, 31.0), (3, 30.01), (4, 29.99), (5, 1.0), (6, 0.0)] {
                try await Self.insertTrade(id, tradedAt: now - age * Self.day, into: database)
            }
            let job = try RetentionJobs.tradesPurge(try Self.context(database, service: .marketData))
            #expect(job.name == "trades.purge")

            try await Self.run(job, at: now)

            #expect(try await Self.ids("SELECT trade_id::text FROM trades", in: database) == ["4", "5", "6"])
        }
    }

    @Test("outbox.purge deletes rows sent more than 24 h ago and keeps newer and unsent rows")
    func sentOutboxRowsOlderThanTheRetentionAreDeleted() async throws {
        try await TestDatabase.with { database, _ in
            let now = Date()
            let hour: TimeInterval = 3_600
            try await Self.insertOutbox("sent-long-ago", createdAt: now - 100 * hour, sentAt: now - 99 * hour, into: database)
            try await Self.insertOutbox("sent-25h-ago", createdAt: now - 25 * hour, sentAt: now - 25 * hour, into: database)
            try await Self.insertOutbox("sent-23h-ago", createdAt: now - 30 * hour, sentAt: now - 23 * hour, into: database)
            try await Self.insertOutbox("never-sent", createdAt: now - 100 * hour, sentAt: nil, into: database)
            try await Self.insertOutbox("just-sent", createdAt: now, sentAt: now, into: database)
            let jobs = try RetentionJobs.sharedTablesPurges(try Self.context(database, service: RetentionJobs.sharedTablesOwner))
            let job = try #require(jobs.first { $0.name == "outbox.purge" })

            try await Self.run(job, at: now)

            #expect(
                try await Self.ids("SELECT message_id FROM outbox", in: database) == ["just-sent", "never-sent", "sent-23h-ago"]
            )
        }
    }

    @Test("processed-messages.purge deletes ids processed more than 30 days ago and keeps newer ones")
    func processedMessagesOlderThanTheRetentionAreDeleted() async throws {
        try await TestDatabase.with { database, _ in
            let now = Date()
            for (id, age) in [("a", 90.0), ("b", 30.5), ("c", 29.5), ("d", 0.0)] {
                try await database.query(
                    "INSERT INTO processed_messages (consumer, message_id, processed_at) VALUES ('notifier', \(id), \(now - age * Self.day))"
                )
            }
            let jobs = try RetentionJobs.sharedTablesPurges(try Self.context(database, service: RetentionJobs.sharedTablesOwner))
            let job = try #require(jobs.first { $0.name == "processed-messages.purge" })

            try await Self.run(job, at: now)

            #expect(try await Self.ids("SELECT message_id FROM processed_messages", in: database) == ["c", "d"])
        }
    }

    @Test("webhooks.purge deletes events older than 30 days with their deliveries and attempts, unless one is still pending")
    func webhookEventsOlderThanTheRetentionAreDeleted() async throws {
        try await TestDatabase.with { database, _ in
            let now = Date()
            let user = UUID()
            let endpoint = UUID()
            try await database.query("INSERT INTO users (id, name) VALUES (\(user), \("purge-" + user.uuidString))")
            try await database.query(
                """
                INSERT INTO webhook_endpoints (id, user_id, url, event_types, secret)
                VALUES (\(endpoint), \(user), 'http://example.com/', '{*}', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')
                """)
            for (id, age, status) in [("old", 31.0, "succeeded"), ("old-pending", 40.0, "pending"), ("recent", 29.0, "failed")] {
                let created = now - age * Self.day
                try await database.query(
                    """
                    INSERT INTO webhook_events (id, user_id, event_type, payload, occurred_at, created_at)
                    VALUES (\(id), \(user), 'order.filled', '{}', \(created), \(created))
                    """)
                let delivery = UUID()
                try await database.query(
                    """
                    INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, next_attempt_at, created_at)
                    VALUES (\(delivery), \(id), \(endpoint), \(status), CASE WHEN \(status) = 'pending' THEN now() END, \(created))
                    """)
                try await database.query(
                    "INSERT INTO webhook_attempts (delivery_id, number, attempted_at, duration_ms) VALUES (\(delivery), 1, \(created), 5)")
            }
            let job = try RetentionJobs.webhooksPurge(try Self.context(database, service: .notifier))
            #expect(job.name == "webhooks.purge")

            try await Self.run(job, at: now)

            #expect(try await Self.ids("SELECT id FROM webhook_events", in: database) == ["old-pending", "recent"])
            #expect(try await database.count("SELECT count(*) FROM webhook_deliveries") == 2)
            #expect(try await database.count("SELECT count(*) FROM webhook_attempts") == 2)
        }
    }

    @Test("only the owner of the shared tables declares their purges")
    func sharedPurgesRunInOneService() throws {
        // Never started: declaring jobs does not touch the database.
        let database = Database.makeClient(try TestServers.postgres, logger: TestServers.logger)
        for service in ServiceName.allCases {
            let names = try RetentionJobs.sharedTablesPurges(Self.context(database, service: service)).map(\.name)
            #expect(names == (service == .ingest ? ["outbox.purge", "processed-messages.purge"] : []))
        }
    }

    @Test("each purge reads its rows through an index on the time it deletes by")
    func purgesUseATimeIndex() async throws {
        try await TestDatabase.with { database, _ in
            // A planner with sequential scans off still scans the table when no index fits.
            let plans = try await database.withConnection { connection in
                try await connection.query("SET enable_seqscan = off", logger: TestServers.logger)
                var plans: [String] = []
                for query: PostgresQuery in [
                    "EXPLAIN SELECT ctid FROM trades WHERE traded_at < now() ORDER BY traded_at LIMIT 10",
                    "EXPLAIN SELECT ctid FROM outbox WHERE sent_at < now() ORDER BY sent_at LIMIT 10",
                    "EXPLAIN SELECT ctid FROM processed_messages WHERE processed_at < now() ORDER BY processed_at LIMIT 10",
                    "EXPLAIN SELECT id FROM webhook_events WHERE created_at < now() ORDER BY created_at LIMIT 10",
                ] {
                    var lines: [String] = []
                    for try await line in try await connection.query(query, logger: TestServers.logger).decode(String.self) {
                        lines.append(line)
                    }
                    plans.append(lines.joined(separator: "\n"))
                }
                return plans
            }
            #expect(plans[0].contains("Index Scan using trades_traded_at"))
            #expect(plans[1].contains("Index Scan using outbox_sent_at"))
            #expect(plans[2].contains("Index Scan using processed_messages_processed_at"))
            #expect(plans[3].contains("Index Scan using webhook_events_by_age"))
        }
    }

    @Test("a purge deletes in batches until nothing old is left, and stops starting batches at its deadline")
    func purgeDeletesInBoundedBatches() async throws {
        try await TestDatabase.with { database, _ in
            let now = Date()
            for id in 1...25 { try await Self.insertTrade(id, tradedAt: now - 40 * Self.day, into: database) }
            try await Self.insertTrade(100, tradedAt: now, into: database)
            let purge = RetentionPurge(database: database, batchSize: 10, logger: TestServers.logger)

            // The deadline has passed: one batch, then stop; the rest waits for the next run.
            #expect(try await purge.deleteTrades(tradedBefore: now - 30 * Self.day, deadline: .now) == 10)
            #expect(try await database.count("SELECT count(*) FROM trades") == 16)

            // Two batches: 10, then 5, a short batch, which ends the loop.
            #expect(try await purge.deleteTrades(tradedBefore: now - 30 * Self.day, deadline: .now + .seconds(60)) == 15)
            #expect(try await Self.ids("SELECT trade_id::text FROM trades", in: database) == ["100"])
        }
    }
}
