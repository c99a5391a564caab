import BallastPostgres
import Logging
import PostgresNIO

/// Stores trades and folds the new ones into candles, in one transaction: a trade delivered twice (a
/// replay, a redelivery after a crash) finds its row and counts once; a crash before the commit leaves
/// neither the trades nor their candle updates.
public struct TradeStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Stores `trades`; returns those that were new and the candles they changed, as committed.
    public func record(_ trades: [Trade]) async throws -> RecordedTrades {
        // One row per (symbol, trade id), in key order: concurrent batches lock rows in the same order.
        var unique: [TradeKey: Trade] = [:]
        for trade in trades where unique[TradeKey(trade)] == nil { unique[TradeKey(trade)] = trade }
        let sorted = unique.values.sorted { $0.symbol != $1.symbol ? $0.symbol < $1.symbol : $0.id < $1.id }
        var attempt = 1
        while true {
            do {
                return try await database.transaction(logger: logger) { connection in
                    let new = try await insert(sorted, on: connection)
                    guard !new.isEmpty else { return RecordedTrades() }
                    var aggregator = CandleAggregator()
                    for trade in new { aggregator.add(trade) }
                    let candles = try await CandleStore.merge(aggregator.candles(), on: connection, logger: logger)
                    return RecordedTrades(trades: new, candles: candles)
                }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "40P01" && attempt < 3 {
                // Deadlock with another instance's batch: one of the two was rolled back; run it again.
                logger.info("deadlock storing trades; retrying", metadata: ["attempt": "\(attempt)"])
                attempt += 1
            }
        }
    }

    /// Every symbol a trade has been stored for (`market_symbols`), in order.
    public func symbols() async throws -> [String] {
        let rows = try await database.query("SELECT symbol FROM market_symbols ORDER BY symbol", logger: logger)
        var symbols: [String] = []
        for try await symbol in rows.decode(String.self) { symbols.append(symbol) }
        return symbols
    }

    private func insert(_ trades: [Trade], on connection: PostgresConnection) async throws -> [Trade] {
        let symbols = Array(Set(trades.map(\.symbol))).sorted()
        try await connection.query(
            "INSERT INTO market_symbols (symbol) SELECT unnest(\(symbols)::text[]) ORDER BY 1 ON CONFLICT DO NOTHING",
            logger: logger
        )
        let rows = try await connection.query(
            """
            INSERT INTO trades (symbol, trade_id, price, quantity, side, traded_at)
            SELECT symbol, trade_id, price, quantity, side, timestamptz 'epoch' + time_ms * interval '1 millisecond'
            FROM unnest(
                \(trades.map(\.symbol))::text[], \(trades.map(\.id.description))::text[], \(trades.map { "\($0.price)" })::numeric[],
                \(trades.map { "\($0.quantity)" })::numeric[], \(trades.map(\.side.rawValue))::text[], \(trades.map(\.time))::int8[]
            ) AS t(symbol, trade_id, price, quantity, side, time_ms)
            ON CONFLICT (symbol, trade_id) DO NOTHING
            RETURNING symbol, trade_id
            """,
            logger: logger
        )
        var inserted = Set<StoredKey>()
        for try await (symbol, id) in rows.decode((String, String).self) { inserted.insert(StoredKey(symbol: symbol, id: id)) }
        return trades.filter { inserted.contains(StoredKey(symbol: $0.symbol, id: $0.id.description)) }
    }
}

private struct TradeKey: Hashable {
    let symbol: String
    let id: TradeID

    init(_ trade: Trade) {
        symbol = trade.symbol
        id = trade.id
    }
}

/// A row's key as `RETURNING` gives it: the id as the text stored.
private struct StoredKey: Hashable {
    let symbol: String
    let id: String
}
