import BallastTrading
import Foundation
import Synchronization

/// A Kraken spot exchange in memory, served over Kraken's real REST protocol, so that the Kraken adapter and the
/// whole trading pipeline are tested without the internet against a server that checks what Kraken checks.
public final class KrakenSimulator: Sendable {
    private struct State {
        var pairs: [KrakenSimulatedPair]
        var tradeIDs: [String: Int] = [:]
        var observers: [@Sendable (KrakenSimulatedTrade) -> Void] = []
    }

    private let state: Mutex<State>

    public init(pairs: [KrakenSimulatedPair] = KrakenSimulatedPair.defaults) {
        state = Mutex(State(pairs: pairs))
    }

    /// Calls `observer` with every trade on the market from now on (an order filled, or `publishMarketTrade`), in
    /// order, on the thread that made the trade: it should only hand the trade on (to a stream, a queue).
    public func onTrade(_ observer: @escaping @Sendable (KrakenSimulatedTrade) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    /// A trade by others on `pair` (a name, altname or symbol) at `price`: it becomes the pair's last price and is
    /// reported to the trade hook. Throws when the pair is not listed.
    public func publishMarketTrade(pair: String, price: Decimal, volume: Decimal, side: OrderSide) throws {
        let (trade, observers) = try state.withLock { state in
            guard let index = state.pairs.firstIndex(where: { [$0.name, $0.altname, $0.symbol, $0.wsname].contains(pair) }) else {
                throw KrakenAPIError.unknownPair
            }
            state.pairs[index].lastPrice = price
            let symbol = state.pairs[index].symbol
            let tradeID = state.tradeIDs[symbol, default: 0] + 1
            state.tradeIDs[symbol] = tradeID
            let trade = KrakenSimulatedTrade(
                symbol: symbol, side: side, price: price, quantity: volume, tradeID: tradeID, time: Date(), orderType: .limit)
            return (trade, state.observers)
        }
        for observer in observers { observer(trade) }
    }
}
