import BallastCore
import BallastScheduler
import Foundation
import Logging
import Metrics
import PostgresNIO

/// The `orders.expire` job: open orders past their `expires_at` (`day` and `gtd` orders) become `expired`,
/// and what they still lock is released once, each order in its own transaction under its account's lock.
public struct OrderExpiry: Sendable {
    /// Some due orders could not be expired; the others were. They are tried again at the next tick.
    public struct Failures: Error, CustomStringConvertible {
        public let failed: Int
        public let expired: Int
        /// The first failure: the order and what went wrong.
        public let first: String

        public var description: String {
            "\(failed) due orders could not be expired (\(expired) were); the first: \(first)"
        }
    }

    let database: PostgresClient
    let logger: Logger
    private let failures = Counter(label: "ballast_order_expiry_failures_total")

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Expires every order due at `now`; returns how many. An order that cannot be expired is logged,
    /// counted and passed over, so that it does not hold back the orders after it; the run then throws
    /// `Failures`. With `run`, each order's transaction holds the run's fence.
    @discardableResult
    public func expire(now: Date, run: JobRun? = nil) async throws -> Int {
        let due = try await OrderStore.dueOrders(now: now, database: database, logger: logger)
        var expired = 0
        var failed = 0
        var firstFailure: String?
        for (orderID, accountID) in due {
            do {
                if try await expire(orderID, account: accountID, now: now, run: run) { expired += 1 }
            } catch let error as JobFenceError {
                // Another instance has taken the job over: none of the remaining orders is this run's.
                throw error
            } catch {
                try Task.checkCancellation()
                failed += 1
                failures.increment()
                firstFailure = firstFailure ?? "order \(orderID): \(diagnosis(of: error))"
                logger.error("cannot expire the order; passing over it", metadata: ["order": "\(orderID)", "error": .error(error)])
            }
        }
        if expired > 0 { logger.info("orders expired", metadata: ["count": "\(expired)"]) }
        if let firstFailure { throw Failures(failed: failed, expired: expired, first: firstFailure) }
        return expired
    }

    /// Expires one order if it is still open and due; false when it no longer is.
    private func expire(_ orderID: UUID, account accountID: UUID, now: Date, run: JobRun?) async throws -> Bool {
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection -> Bool in
            try await run?.holdFence(on: connection)
            guard let account = try await PaperAccountStore.lockAccount(id: accountID, on: connection, logger: logger),
                var order = try await OrderStore.order(orderID, account: accountID, on: connection, logger: logger),
                order.status.isOpen,
                let expiresAt = order.expiresAt, expiresAt <= now
            else { return false }
            var writes = AccountWrites(account: account)
            try OrderRelease.end(&order, as: .expired, reason: "expired", account: account, at: now, into: &writes)
            try await writes.flush(on: connection, logger: logger)
            return true
        }
    }
}
