import BallastCore
import BallastRedis
import BallastTrading
import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Places exchange accounts' orders at their exchange, follows them and books their fills: the step after the commit
/// that recorded them (`ExchangeOrderBooking`). Any number of instances of any service may run it: an account is worked
/// by one of them at a time (a Redis lock per account, so its requests, and the key's nonces, go out one after the
/// other), and every step is recorded in PostgreSQL before the next.
///
/// Never twice at the exchange: an order is marked `submitting` (committed) before its request leaves. One whose answer
/// was lost stays `submitting` and is looked up by its client order id before anything is sent again: found, it is
/// followed; not found among the exchange's open and closed orders, it never arrived and is sent again. The exchange
/// refusing an order rejects it for good with the exchange's reason (never a retry loop); a busy exchange (rate limit,
/// unavailable) is asked again later, up to `maximumAttempts`.
public struct VenueOrderDispatcher: Service {
    let orders: ExchangeOrderStore
    let booking: ExchangeAccountBooking
    let connections: VenueConnections
    let locks: RedisLock
    let settings: VenueDispatchSettings
    let wakeup: Wakeup?
    /// Told of every pass that fails and every one that works, so that repeated failures raise `system.alert`.
    let alarms: WorkerAlarms?
    let logger: Logger
    static let workerName = "venue-dispatcher"

    private static let placed = Counter(label: "ballast_venue_orders_placed_total")
    private static let rejected = Counter(label: "ballast_venue_orders_rejected_total")
    private static let lookedUp = Counter(label: "ballast_venue_orders_looked_up_total")
    private static let fillsBooked = Counter(label: "ballast_venue_fills_booked_total")

    public init(
        database: PostgresClient, redis: RedisClient, connections: VenueConnections,
        settings: VenueDispatchSettings = VenueDispatchSettings(),
        wakeup: Wakeup? = nil, alarms: WorkerAlarms? = nil, logger: Logger
    ) {
        orders = ExchangeOrderStore(database: database, logger: logger)
        booking = ExchangeAccountBooking(database: database, logger: logger)
        self.connections = connections
        locks = RedisLock(client: redis)
        self.settings = settings
        self.wakeup = wakeup
        self.alarms = alarms
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await dispatchDue()
                } catch is CancellationError {
                    return
                } catch {
                    alarms?.failed(Self.workerName, error: error)
                    logger.warning("exchange orders could not be worked; trying again", metadata: ["error": "\(error)"])
                }
                if let wakeup { await wakeup.wait(upTo: settings.pollInterval) } else { try? await Task.sleep(for: settings.pollInterval) }
            }
        }
    }

    /// Works every account with exchange orders due now, each under its lock; an account another instance is working is
    /// left to it.
    public func dispatchDue() async throws {
        var failure: (any Error)?
        for account in try await orders.accountsWithWork(now: Date()) {
            try Task.checkCancellation()
            do {
                _ = try await locks.withLock("ballast:lock:venue-account:\(account.uuidString.lowercased())", ttl: settings.lockTTL) { _ in
                    try await work(account)
                    return true
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failure = error
                logger.warning(
                    "the exchange orders of an account could not be worked", metadata: ["account_id": "\(account)", "error": "\(error)"])
            }
        }
        // A pass counts as failed when any account's work failed: one account failing on every pass is an episode.
        if let failure { alarms?.failed(Self.workerName, error: failure) } else { alarms?.succeeded(Self.workerName) }
    }

    private func work(_ account: UUID) async throws {
        let due = try await orders.unfinished(account: account, dueAt: Date())
        guard !due.isEmpty else { return }
        guard let (kind, credentials) = try await orders.credentials(of: account) else {
            for order in due where order.state == .pending {
                try await reject(order, reason: "the account has no exchange credentials to place it with")
            }
            return
        }
        let venue: any ExchangeVenue
        do {
            venue = try await connections.venue(of: account, kind: kind, credentials: credentials)
        } catch {
            // An operator's setting (the secrets key) is missing or wrong: nothing is sent, nothing is rejected.
            logger.error("an exchange account's credentials cannot be opened", metadata: ["account_id": "\(account)", "error": "\(error)"])
            for order in due { try await orders.retry(order, as: order.state, error: "\(error)", at: later(settings.maximumBackoff)) }
            return
        }
        for order in due where order.state == .pending || order.state == .submitting {
            try await submit(order, to: venue)
        }
        let open = try await orders.unfinished(account: account).filter { $0.state == .open }
        let dueOpen = open.filter { order in due.contains { $0.orderID == order.orderID } }
        if !dueOpen.isEmpty { try await follow(dueOpen, at: venue) }
    }

    // MARK: Placing

    private func submit(_ order: ExchangeOrder, to venue: any ExchangeVenue) async throws {
        if order.state == .submitting {
            // The last request's answer was lost: the exchange may have the order.
            do {
                Self.lookedUp.increment()
                if let found = try await venue.order(clientOrderID: order.clientOrderID) {
                    logger.info(
                        "an order whose answer was lost was found at the exchange; not sent again",
                        metadata: ["order_id": "\(order.orderID)", "venue_order_id": "\(found.venueOrderID)"])
                    try await orders.markOpen(order, venueOrderID: found.venueOrderID, checkAt: Date())
                    return
                }
                if let sent = order.submittedAt, Date().timeIntervalSince(sent) < settings.lookupGrace.inSeconds {
                    // Not there yet, but the request may still be queued at the exchange: look again before sending a copy.
                    try await orders.retry(
                        order, as: .submitting, error: "not found at the exchange yet",
                        at: sent.addingTimeInterval(settings.lookupGrace.inSeconds))
                    return
                }
            } catch {
                try await orders.retry(
                    order, as: .submitting, error: "looking it up: \(error)", at: later(settings.backoff(after: order.attempts)))
                return
            }
        }
        if order.cancelRequested {
            try await booking.cancelUnsent(order, reason: "canceled before it reached the exchange")
            return
        }
        let rules: VenueSymbolRules
        do {
            rules = try await venue.rules(for: order.symbol)
        } catch let error as VenueError {
            try await failed(order, error)
            return
        }
        let quantity = order.quantity.rounded(.down, places: rules.quantityDecimals)
        guard quantity > 0, quantity >= rules.minimumQuantity else {
            let reason =
                "EOrder:Order minimum not met: \(quantity) \(order.symbol) is below the exchange's minimum order of "
                + "\(rules.minimumQuantity)"
            try await reject(order, reason: reason)
            return
        }
        let request = VenueOrderRequest(
            clientOrderID: order.clientOrderID, symbol: order.symbol, side: order.side, type: order.type, quantity: quantity,
            limitPrice: order.limitPrice.map { $0.rounded(order.side == .buy ? .down : .up, places: rules.priceDecimals) },
            timeInForce: order.timeInForce)
        let lookAgain = later(settings.backoff(after: order.attempts + 1))
        guard try await orders.markSubmitting(order, quantity: quantity, retryAt: lookAgain) else { return }
        do {
            let placement = try await venue.place(request)
            Self.placed.increment()
            guard let venueOrderID = placement.venueOrderID else {
                throw VenueError.unknown("the exchange placed the order without giving its id")
            }
            try await orders.markOpen(order, venueOrderID: venueOrderID, checkAt: Date())
            logger.info(
                "order placed at the exchange",
                metadata: ["order_id": "\(order.orderID)", "venue_order_id": "\(venueOrderID)", "venue": "\(order.venue.rawValue)"])
        } catch let error as VenueError {
            var sent = order
            sent.attempts += 1
            try await failed(sent, error)
        } catch {
            try await orders.retry(order, as: .submitting, error: "\(error)", at: lookAgain)
        }
    }

    /// What an exchange's refusal or silence means for `order`.
    private func failed(_ order: ExchangeOrder, _ error: VenueError) async throws {
        switch error {
        case .rejected(let code, let reason):
            try await reject(order, reason: "\(code): \(reason)")
        case .busy(let code, let seconds):
            guard order.attempts < settings.maximumAttempts else {
                try await reject(order, reason: "\(code): the exchange stayed busy through \(order.attempts) attempts")
                return
            }
            // The exchange's own advice, within the dispatcher's longest wait.
            let wait = min(max(Duration.seconds(seconds), settings.backoff(after: order.attempts)), settings.maximumBackoff)
            // Nothing was done there: the order may go again as it is.
            try await orders.retry(order, as: .pending, error: code, at: later(wait))
        case .unknown(let what):
            logger.warning(
                "no answer from the exchange to an order; it will be looked up before anything is sent again",
                metadata: ["order_id": "\(order.orderID)", "error": "\(what)"])
            try await orders.retry(order, as: .submitting, error: what, at: later(settings.backoff(after: order.attempts)))
        }
    }

    private func reject(_ order: ExchangeOrder, reason: String) async throws {
        Self.rejected.increment()
        logger.warning(
            "the exchange refused an order; it is rejected", metadata: ["order_id": "\(order.orderID)", "reason": "\(reason)"])
        try await booking.reject(order, reason: reason)
    }

    // MARK: Following

    /// Asks the exchange how `open` orders stand and books their fills and ends.
    private func follow(_ open: [ExchangeOrder], at venue: any ExchangeVenue) async throws {
        do {
            for order in open where order.cancelRequested {
                if let id = order.venueOrderID {
                    do {
                        try await venue.cancel(venueOrderID: id)
                    } catch VenueError.rejected(let code, let reason) {
                        // Already done there (filled or canceled): its state below says which.
                        logger.info(
                            "the exchange did not cancel an order",
                            metadata: ["order_id": "\(order.orderID)", "reason": "\(code): \(reason)"])
                    }
                }
            }
            let states = try await venue.orders(venueOrderIDs: open.compactMap(\.venueOrderID))
            // Trades are asked for only for orders the exchange reports more filled than is booked: TradesHistory
            // costs two of Kraken's call points, and an order resting untouched then costs one call per look.
            let moved = open.filter { order in
                states.first { $0.venueOrderID == order.venueOrderID }.map { $0.filledQuantity > order.filledQuantity } ?? false
            }
            var fills: [VenueFill] = []
            if !moved.isEmpty {
                let since = (moved.compactMap(\.submittedAt).min() ?? moved.map(\.createdAt).min() ?? Date()) - 60
                let ids = Set(moved.compactMap(\.venueOrderID))
                fills = try await venue.fills(since: since).filter { ids.contains($0.venueOrderID) }
            }
            let resting = moved.isEmpty && !states.contains(where: \.isDone)
            let checkAt = later(resting ? settings.restingCheckInterval : settings.fillCheckInterval)
            let booked = try await booking.apply(open, states: states, fills: fills, checkAt: checkAt)
            if booked > 0 { Self.fillsBooked.increment(by: booked) }
        } catch let error as VenueError {
            for order in open {
                try await orders.retry(order, as: .open, error: "\(error)", at: later(settings.backoff(after: 2)))
            }
            logger.warning("the exchange could not report on open orders", metadata: ["error": "\(error)"])
        }
    }

    private func later(_ duration: Duration) -> Date { Date().addingTimeInterval(duration.inSeconds) }
}
