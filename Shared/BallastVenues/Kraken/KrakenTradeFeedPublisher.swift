import BallastCore
import BallastMarket
import BallastRedis

/// Puts trades on the trades stream once each: per symbol, one script appends those above the symbol's last published
/// id and moves that id (`KrakenTradeFeedScripts.appendNewTrades`). Replayed snapshots, a restarted process and two
/// feeds at once all come down to that one atomic check.
struct KrakenTradeFeedPublisher: Sendable {
    let redis: RedisClient
    let stream: String
    let lastTradeIDsKey: String
    let maxLength: Int

    /// What one symbol's trades came to.
    struct Outcome: Equatable {
        var symbol: String
        var published: Int
        var skipped: Int
    }

    /// Publishes `trades` of any symbols, each symbol's in id order, in one round trip.
    func publish(_ trades: [Trade]) async throws(RedisError) -> [Outcome] {
        var bySymbol: [String: [Trade]] = [:]
        var symbols: [String] = []
        for trade in trades {
            if bySymbol[trade.symbol] == nil { symbols.append(trade.symbol) }
            bySymbol[trade.symbol, default: []].append(trade)
        }
        guard !symbols.isEmpty else { return [] }
        let commands = symbols.map { symbol in command(symbol: symbol, trades: bySymbol[symbol, default: []].sorted { $0.id < $1.id }) }
        let replies = try await redis.pipeline(commands)
        var outcomes: [Outcome] = []
        for (symbol, reply) in zip(symbols, replies) {
            guard let published = try reply.checked().integer else { throw .unexpectedReply("the trade script returned no count") }
            outcomes.append(Outcome(symbol: symbol, published: published, skipped: bySymbol[symbol, default: []].count - published))
        }
        return outcomes
    }

    private func command(symbol: String, trades: [Trade]) -> RedisCommand {
        let entries = trades.map { TradeMessage.envelope(for: $0).fields }
        let width = (entries.first?.count ?? 0) * 2
        var command = RedisCommand(
            "EVAL", KrakenTradeFeedScripts.appendNewTrades, "2", stream, lastTradeIDsKey, String(maxLength), symbol, String(width))
        for (trade, fields) in zip(trades, entries) {
            precondition(fields.count * 2 == width, "every trade envelope has the same fields")
            command.append(trade.id.description)
            for (field, value) in fields {
                command.append(field)
                command.append(value)
            }
        }
        // The script skips what a first run appended: sending it again after a lost reply is safe.
        return command.declaringIdempotent()
    }
}
