import BallastCore
import Foundation

extension SignalDocument {
    init(id: UUID, source: SignalSource, signal: SignalInput, receivedAt: Date) {
        self.init(
            id: id, sourceID: source.id, userID: source.userID, clientID: signal.clientID, exchange: signal.exchange,
            symbol: signal.symbol, action: signal.action.rawValue, direction: signal.direction?.rawValue,
            quantity: signal.quantity.map { "\($0)" }, price: signal.price.map { "\($0)" }, orderType: signal.orderType.rawValue,
            stopLoss: signal.stopLoss.map { "\($0)" }, takeProfit: signal.takeProfit.map { "\($0)" }, timeframe: signal.timeframe,
            strike: signal.strike.map { "\($0)" }, expiration: signal.expiration, strategy: signal.strategy, comment: signal.comment,
            timestamp: signal.timestamp, receivedAt: receivedAt, timeInForce: signal.timeInForce?.rawValue,
            expiresAt: signal.expiresAt, trailingStopPercent: signal.trailingStopPercent.map { "\($0)" },
            sentiment: signal.sentiment?.rawValue, stopLossPercent: signal.stopLossPercent.map { "\($0)" },
            stopLossAmount: signal.stopLossAmount.map { "\($0)" }, takeProfitPercent: signal.takeProfitPercent.map { "\($0)" },
            takeProfitAmount: signal.takeProfitAmount.map { "\($0)" }, notional: signal.notional.map { "\($0)" },
            strikesAway: signal.strikesAway.map(String.init), intrinsicValue: signal.intrinsicValue?.rawValue,
            volatility: signal.volatility.map { "\($0)" }
        )
    }
}

extension SignalDocument {
    /// `SignalInput.fingerprint`, from the amounts already printed here.
    var fingerprint: String {
        SignalInput.fingerprint(
            exchange: exchange, symbol: symbol, action: action, direction: direction, quantity: quantity, price: price,
            orderType: orderType, stopLoss: stopLoss, takeProfit: takeProfit, timeframe: timeframe, strike: strike,
            expiration: expiration, strategy: strategy, timeInForce: timeInForce,
            expiresAt: expiresAt.map(RFC3339.string(from:)), trailingStopPercent: trailingStopPercent, sentiment: sentiment,
            relativeExits: [stopLossPercent, stopLossAmount, takeProfitPercent, takeProfitAmount], notional: notional,
            strikesAway: strikesAway, intrinsicValue: intrinsicValue, volatility: volatility
        )
    }

    /// The same JSON `Codable` gives (keys sorted by their bytes, so `timeInForce` before `timeframe`;
    /// absent fields left out; dates in RFC 3339), written directly, because ingest writes it for every signal and
    /// `JSONEncoder` costs far more (docs/performance.md, webhook ingestion).
    var jsonText: String {
        var text = "{"
        func add(_ key: String, _ value: String?) {
            guard let value else { return }
            if text.utf8.count > 1 { text += "," }
            text += "\"" + key + "\":"
            JSONValue.writeQuoted(value, to: &text)
        }
        add("action", action)
        add("clientId", clientID)
        add("comment", comment)
        add("direction", direction)
        add("exchange", exchange)
        add("expiration", expiration)
        add("expiresAt", expiresAt.map(RFC3339.string(from:)))
        add("id", id.uuidString)
        add("intrinsicValue", intrinsicValue)
        add("notional", notional)
        add("orderType", orderType)
        add("price", price)
        add("quantity", quantity)
        add("receivedAt", RFC3339.string(from: receivedAt))
        if let routingText {
            text += ",\"routing\":" + routingText
        }
        add("sentiment", sentiment)
        add("sourceId", sourceID.uuidString)
        add("stopLoss", stopLoss)
        add("stopLossAmount", stopLossAmount)
        add("stopLossPercent", stopLossPercent)
        add("strategy", strategy)
        add("strike", strike)
        add("strikesAway", strikesAway)
        add("symbol", symbol)
        add("takeProfit", takeProfit)
        add("takeProfitAmount", takeProfitAmount)
        add("takeProfitPercent", takeProfitPercent)
        add("timeInForce", timeInForce)
        add("timeframe", timeframe)
        add("timestamp", timestamp.map(RFC3339.string(from:)))
        add("trailingStopPercent", trailingStopPercent)
        add("userId", userID.uuidString)
        add("volatility", volatility)
        return text + "}"
    }

    /// `routing` as JSON, through `JSONEncoder`: only routed signals (experiments, engines other than `rules`) have it.
    var routingText: String? {
        routing.flatMap { try? JSONCoding.encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The payload of the `signal.received` event on `ballast:events` around `jsonText`, as the seeds'
    /// webhook consumers expect it: `{"data", "event", "timestamp", "userId"}`.
    static func eventText(document jsonText: String, receivedAt: Date, userID: UUID) -> String {
        #"{"data":"# + jsonText + #","event":"signal.received","timestamp":""# + RFC3339.string(from: receivedAt)
            + #"","userId":""# + userID.uuidString + #""}"#
    }
}
