import BallastCore
import BallastMarket
import BallastRedis
import Foundation

/// Trades published onto `ballast:trades` as `ballast market simulate` publishes them (symbols in turn, ids
/// consecutive), paced at a fixed rate, with the monotonic instant each one was handed to Redis.
struct TradePublisher {
    /// Trades `firstID ..< firstID + sentAt.count`, trade `firstID + k` sent at `sentAt[k]`.
    struct Batch {
        var firstID: UInt64
        var sentAt: [UInt64]
    }

    private let producer: StreamProducer
    private var market: SimulatedMarket
    private var nextID: UInt64

    init(producer: StreamProducer, symbols: [String], firstTradeID: UInt64) {
        self.producer = producer
        market = SimulatedMarket(symbols: symbols, seed: 22, firstTradeID: firstTradeID)
        nextID = firstTradeID + 1
    }

    /// Publishes up to `count` trades at `rate` per second, or until `shouldStop` says so (checked between batches).
    /// Trades that fell due while Redis answered go out together in one pipeline, so a late tick does not slow the
    /// schedule down; each carries the instant its pipeline was sent.
    mutating func publish(count: Int, rate: Int, shouldStop: () -> Bool = { false }) async throws -> Batch {
        var batch = Batch(firstID: nextID, sentAt: [])
        batch.sentAt.reserveCapacity(count)
        let interval = 1_000_000_000 / UInt64(rate)
        let start = MonotonicClock.nanoseconds()
        while batch.sentAt.count < count, !shouldStop() {
            let now = MonotonicClock.nanoseconds()
            let due = min(count, Int((now - start) / interval) + 1)
            if due > batch.sentAt.count {
                let time = Date().epochMilliseconds
                let envelopes = (batch.sentAt.count..<due).map { _ in TradeMessage.envelope(for: market.nextTrade(at: time)) }
                let sentAt = MonotonicClock.nanoseconds()
                _ = try await producer.publish(envelopes.map { (StreamName.trades, $0) })
                batch.sentAt.append(contentsOf: repeatElement(sentAt, count: envelopes.count))
                nextID += UInt64(envelopes.count)
            }
            let nextDue = start + UInt64(batch.sentAt.count) * interval
            let after = MonotonicClock.nanoseconds()
            if nextDue > after { try await Task.sleep(nanoseconds: nextDue - after) }
        }
        return batch
    }
}
