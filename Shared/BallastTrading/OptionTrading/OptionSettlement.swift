import BallastCore
import BallastMarket
import BallastPostgres
import Foundation
import Logging
import Metrics
import PostgresNIO

/// Settles option positions at expiry (the `options.settle` job): in cash, at intrinsic value from the underlying's
/// price at the expiry time, the close of its one-minute candle that ends then. Each position is settled in a
/// transaction of its own under its account's lock: the contracts are sold at the intrinsic value per contract (0 when
/// it expired worthless), the position closes (`expired`), and `option_settlements` gets its row, whose primary key
/// makes a second settlement of the position impossible; `option.expired` and `position.closed` are published with it.
/// A position whose underlying has no candle at the expiry time waits, reported in the log and
/// `ballast_option_settlements_waiting`, and is settled on a later run once the price is known: never at a guess.
public struct OptionSettlement: Sendable {
    public struct Outcome: Sendable, Equatable {
        public var settled: Int
        /// The contracts whose underlying price at expiry is not known yet.
        public var waiting: [String]
        /// Positions whose settlement failed (logged); they are tried again on the next run.
        public var failed: Int = 0
    }

    let database: PostgresClient
    let settings: OptionSettings
    let logger: Logger
    private let waitingGauge = Gauge(label: "ballast_option_settlements_waiting")
    private let settledCounter = Counter(label: "ballast_option_settlements_total")

    public init(database: PostgresClient, settings: OptionSettings, logger: Logger) {
        self.database = database
        self.settings = settings
        self.logger = logger
    }

    /// Settles every open option position whose contract expired at or before `now`.
    public func settleDue(now: Date) async throws -> Outcome {
        let due = try await OptionPositions.open(database: database, logger: logger).filter { $0.contract.expiry <= now }
        var outcome = Outcome(settled: 0, waiting: [])
        var prices: [OptionContract: Decimal?] = [:]
        for position in due {
            let key = OptionContract(underlying: position.contract.underlying, expiry: position.contract.expiry, strike: 0, kind: .call)
            if prices[key] == nil { prices[key] = .some(try await underlyingPrice(of: position.contract)) }
            guard let price = prices[key] ?? nil else {
                outcome.waiting.append(position.contract.symbol)
                continue
            }
            // One position that cannot be settled must not hold up the others.
            do {
                if try await settle(position, underlyingPrice: price, now: now) { outcome.settled += 1 }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                outcome.failed += 1
                logger.error(
                    "an option position could not be settled; it is tried again on the next run",
                    metadata: ["position_id": "\(position.positionID)", "error": "\(diagnosis(of: error))"])
            }
        }
        if outcome.failed > 0 { throw SettlementFailure(failed: outcome.failed, settled: outcome.settled) }
        waitingGauge.record(outcome.waiting.count)
        if !outcome.waiting.isEmpty {
            logger.warning(
                "option settlement waits for the underlying's price at expiry",
                metadata: ["contracts": "\(Set(outcome.waiting).sorted().joined(separator: ","))"])
        }
        return outcome
    }

    /// The close of the underlying's one-minute candle that ends at the contract's expiry; nil while market-data has
    /// none.
    func underlyingPrice(of contract: OptionContract) async throws -> Decimal? {
        let expiry = Int64((contract.expiry.timeIntervalSince1970 * 1_000).rounded())
        let rows = try await database.query(
            """
            SELECT close FROM candles
            WHERE symbol = \(contract.underlying) AND interval = \(CandleInterval.oneMinute.rawValue) AND open_time = \(expiry - 60_000)
            """,
            logger: logger)
        for try await close in rows.decode(Decimal.self) { return close }
        return nil
    }

    /// Settles one position; false when it was settled or closed before.
    func settle(_ open: OptionPositions.Open, underlyingPrice: Decimal, now: Date) async throws -> Bool {
        let logger = self.logger
        let multiplier = settings.multiplier
        let settledNow = try await database.transaction(logger: logger) { connection in
            guard let snapshot = try await AccountSnapshot.lock(account: open.accountID, on: connection, logger: logger),
                let position = snapshot.state.positions.first(where: { $0.id == open.positionID })
            else { return false }
            let contract = open.contract
            let perContract = contract.intrinsicValue(at: underlyingPrice) * multiplier
            let quantity = position.state.quantity
            let payout = perContract * quantity
            let recorded = try await connection.query(
                """
                INSERT INTO option_settlements (position_id, account_id, symbol, expiry, underlying_price, contracts, payout)
                VALUES (\(position.id), \(open.accountID), \(position.symbol), \(contract.expiry), \(underlyingPrice), \(quantity), \(payout))
                ON CONFLICT (position_id) DO NOTHING
                RETURNING 1
                """,
                logger: logger)
            var inserted = false
            for try await _ in recorded.decode(Int.self) { inserted = true }
            guard inserted else { return false }
            let account = snapshot.account
            var writes = AccountWrites(account: account)
            var order = OrderRecord(
                id: UUID.random(), accountID: account.id, clientOrderID: "expiry:\(position.id.uuidString.lowercased())", signalID: nil,
                symbol: position.symbol, side: .sell, type: .market, timeInForce: .ioc, limitPrice: nil, quantity: quantity,
                status: .new, reason: "settled at expiry", strategy: position.strategy, stopLoss: nil, takeProfit: nil, receivedAt: now)
            let booking = FillBooking(account: account, instrument: Instrument(base: position.symbol, quote: account.quoteCurrency))
            _ = try booking.book(
                quantity: quantity, price: perContract, liquidity: .taker, marketTradeID: nil, order: &order, position: position,
                closeReason: .expired, fee: 0, at: now, into: &writes)
            writes.save(order, isNew: true)
            writes.publish(
                try TradingEvent.envelope(
                    TradingEvent.optionExpired, userID: account.userID, at: now,
                    data: OptionExpiry(
                        positionID: position.id, symbol: position.symbol, underlying: contract.underlying, kind: contract.kind.rawValue,
                        strike: contract.strike.plainText, expiry: contract.expiry, underlyingPrice: underlyingPrice.plainText,
                        contracts: quantity.plainText, settlementPrice: perContract.plainText, payout: payout.plainText)))
            try await writes.flush(on: connection, logger: logger)
            return true
        }
        if settledNow {
            settledCounter.increment()
            logger.info("option settled at expiry", metadata: ["position_id": "\(open.positionID)", "symbol": "\(open.contract.symbol)"])
        }
        return settledNow
    }
}

/// Some positions could not be settled this run (the job's run fails, so its failures count towards `system.alert`).
struct SettlementFailure: Error, CustomStringConvertible {
    var failed: Int
    var settled: Int

    var description: String { "\(failed) option positions could not be settled (\(settled) were)" }
}

/// The `option.expired` event's data.
struct OptionExpiry: Encodable {
    var positionID: UUID
    var symbol: String
    var underlying: String
    var kind: String
    var strike: String
    var expiry: Date
    var underlyingPrice: String
    var contracts: String
    /// Per contract: the intrinsic value times the multiplier.
    var settlementPrice: String
    var payout: String

    enum CodingKeys: String, CodingKey {
        case symbol, underlying, kind, strike, expiry, underlyingPrice, contracts, settlementPrice, payout
        case positionID = "positionId"
    }
}
