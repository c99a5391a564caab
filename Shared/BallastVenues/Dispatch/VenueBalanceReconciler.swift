import BallastCore
import BallastTrading
import Foundation
import Logging
import Metrics
import PostgresNIO

/// The `venues.reconcile` job: each exchange account's balances at the exchange compared with its ledger
/// (`ExchangeAccountBooking.reconcile`). A difference is reported (`balance.mismatch`, a warning), never corrected; an
/// account with orders on their way, or with a trade booked while its exchange answered, is checked at the next run.
public struct VenueBalanceReconciler: Sendable {
    let orders: ExchangeOrderStore
    let booking: ExchangeAccountBooking
    let connections: VenueConnections
    let logger: Logger

    private static let differences = Gauge(label: "ballast_venue_balance_differences")

    public init(database: PostgresClient, connections: VenueConnections, logger: Logger) {
        orders = ExchangeOrderStore(database: database, logger: logger)
        booking = ExchangeAccountBooking(database: database, logger: logger)
        self.connections = connections
        self.logger = logger
    }

    /// Reconciles every exchange account; returns the differences found. An account that cannot be checked (its exchange
    /// does not answer) is logged and passed over; the run then throws, so the job records the failure.
    @discardableResult
    public func reconcileAll(now: Date = Date()) async throws -> [BalanceDifference] {
        var found: [BalanceDifference] = []
        var failure: (any Error)?
        for account in try await orders.exchangeAccounts() {
            do {
                guard let (kind, credentials) = try await orders.credentials(of: account) else { continue }
                let venue = try await connections.venue(of: account, kind: kind, credentials: credentials)
                // A trade booked while the exchange answers is in the ledger and maybe not in the answer.
                let booked = try await booking.bookedFills(of: account)
                let balances = try await venue.balances()
                guard let differences = try await booking.reconcile(account, venueBalances: balances, bookedFills: booked, at: now) else {
                    logger.debug("reconciliation waits for the account's orders to finish", metadata: ["account_id": "\(account)"])
                    continue
                }
                for difference in differences {
                    logger.warning(
                        "an exchange balance differs from the ledger",
                        metadata: [
                            "account_id": "\(account)", "asset": "\(difference.asset)", "exchange": "\(difference.venueAmount)",
                            "ledger": "\(difference.ledgerAmount)",
                        ])
                }
                found += differences
            } catch {
                logger.warning("an exchange account could not be reconciled", metadata: ["account_id": "\(account)", "error": "\(error)"])
                failure = failure ?? error
            }
        }
        Self.differences.record(found.count)
        if let failure { throw failure }
        return found
    }
}
