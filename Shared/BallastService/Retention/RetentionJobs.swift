import BallastCore
import BallastPostgres
import BallastScheduler
import Foundation

/// The scheduled purges that keep `trades`, sent `outbox` rows, `processed_messages` and the webhook delivery log
/// from growing forever (durations in `RetentionSettings`). Candles are kept.
///
/// market-data, which writes `trades`, declares `trades.purge`. `outbox` and `processed_messages` are
/// shared by every service, and a job name belongs to one service, so one service runs both purges for
/// all: the runtime adds them to the jobs of `sharedTablesOwner`.
public enum RetentionJobs {
    /// ingest runs wherever Ballast runs: nothing enters the system without it.
    public static let sharedTablesOwner: ServiceName = .ingest

    /// A purge stops starting new batches after `budget`, well inside `timeout`, so a long backlog ends a
    /// run as `succeeded` and the rest goes at the next tick instead of the run being cancelled.
    static let timeout: Duration = .seconds(300)
    static let budget: Duration = .seconds(240)

    /// `trades.purge`, every 10 minutes: market trades older than `BALLAST_RETENTION_TRADES_DAYS`.
    public static func tradesPurge(_ context: ServiceContext) throws -> Job {
        let purge = RetentionPurge(database: context.database, logger: context.logger)
        let retention = context.configuration.retention.trades
        return try job("trades.purge", table: "trades") { run, deadline in
            try await purge.deleteTrades(tradedBefore: run.tick - retention, deadline: deadline)
        }
    }

    /// `webhooks.purge`, every 10 minutes: webhook events (with their deliveries and attempts) older than
    /// `BALLAST_RETENTION_WEBHOOK_DAYS`, unless a delivery is still pending. The notifier declares it.
    public static func webhooksPurge(_ context: ServiceContext) throws -> Job {
        let purge = RetentionPurge(database: context.database, logger: context.logger)
        let retention = context.configuration.retention.webhookEvents
        return try job("webhooks.purge", table: "webhook_events") { run, deadline in
            try await purge.deleteWebhookEvents(createdBefore: run.tick - retention, deadline: deadline)
        }
    }

    /// `outbox.purge` and `processed-messages.purge` for `sharedTablesOwner`; none for other services.
    static func sharedTablesPurges(_ context: ServiceContext) throws -> [Job] {
        guard context.configuration.service == sharedTablesOwner else { return [] }
        let purge = RetentionPurge(database: context.database, logger: context.logger)
        let settings = context.configuration.retention
        return [
            try job("outbox.purge", table: "outbox") { run, deadline in
                try await purge.deleteSentOutbox(sentBefore: run.tick - settings.sentOutbox, deadline: deadline)
            },
            try job("processed-messages.purge", table: "processed_messages") { run, deadline in
                try await purge.deleteProcessedMessages(processedBefore: run.tick - settings.processedMessages, deadline: deadline)
            },
        ]
    }

    private static func job(
        _ name: String,
        table: String,
        purge: @escaping @Sendable (JobRun, ContinuousClock.Instant) async throws -> Int
    ) throws -> Job {
        try Job(name, schedule: "*/10 * * * *", timeout: timeout) { run in
            let deleted = try await purge(run, .now + budget)
            if deleted > 0 { run.logger.info("retention purge", metadata: ["table": "\(table)", "deleted": "\(deleted)"]) }
        }
    }
}

extension Date {
    fileprivate static func - (date: Date, duration: Duration) -> Date {
        date.addingTimeInterval(-Double(duration.components.seconds))
    }
}
