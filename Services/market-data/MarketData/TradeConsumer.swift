import BallastCore
import BallastMarket
import BallastRedis
import Foundation
import Logging

/// Reads `ballast:trades` in market-data's group: each batch's valid trades are stored and folded into
/// candles in one transaction; then, in one Redis round trip, the last prices move and the new trades and
/// changed candles go on the live market streams (`LiveMarketPublisher`), in the order the batches were read
/// (`PublishOrder`). An invalid trade is dead-lettered at
/// once with the reason; a database failure leaves the batch pending, to be delivered again.
struct TradeConsumer: StreamMessageHandler {
    let store: TradeStore
    let publisher: LiveMarketPublisher
    let logger: Logger
    /// Shared by the copies each consumer of the process holds, so that their batches publish in reading order.
    let order = PublishOrder()

    func handle(_ messages: [StreamMessage]) async -> [Result<Void, any Error>] {
        let key = PublishOrder.BatchKey(firstOf: messages.map(\.entryID))
        order.enter(key)
        defer { order.leave(key) }
        var results = [Result<Void, any Error>](repeating: .success(()), count: messages.count)
        var trades: [Trade] = []
        var tradeIndexes: [Int] = []
        for (index, message) in messages.enumerated() {
            do {
                trades.append(try TradeMessage.trade(from: message.envelope))
                tradeIndexes.append(index)
            } catch {
                results[index] = .failure(error)
            }
        }
        guard !trades.isEmpty else { return results }
        let recorded: RecordedTrades
        do {
            recorded = try await store.record(trades)
        } catch {
            for index in tradeIndexes { results[index] = .failure(error) }
            return results
        }
        await order.waitForTurn(key)
        do {
            try await publisher.publish(recorded, now: Date().epochMilliseconds)
        } catch {
            // The trades and candles are committed: delivering the batch again would store nothing and publish
            // nothing. The next batch moves the prices and the klines version again.
            logger.warning("cannot publish last prices and live market data to Redis", metadata: ["error": .error(error)])
        }
        return results
    }
}
