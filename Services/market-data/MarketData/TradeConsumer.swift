import BallastCore
import BallastMarket
import BallastRedis
import Logging

/// Reads `ballast:trades` in market-data's group: each batch's valid trades are stored and folded into
/// candles in one transaction, then the last prices move. An invalid trade is dead-lettered at once with
/// the reason; a database failure leaves the batch pending, to be delivered again.
struct TradeConsumer: StreamMessageHandler {
    let store: TradeStore
    let prices: LastPrices
    let logger: Logger

    func handle(_ messages: [StreamMessage]) async -> [Result<Void, any Error>] {
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
        let stored: [Trade]
        do {
            stored = try await store.record(trades)
        } catch {
            for index in tradeIndexes { results[index] = .failure(error) }
            return results
        }
        do {
            try await prices.update(with: stored)
        } catch {
            // The trades and candles are committed; the next batch moves the prices again.
            logger.warning("cannot update last prices in Redis", metadata: ["error": .error(error)])
        }
        return results
    }
}
