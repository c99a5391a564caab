import BallastService
import Foundation
import Hummingbird

/// `GET /api/v1/klines`: candles as Binance-style arrays
/// `[openTime, "open", "high", "low", "close", "volume", closeTime, "quoteVolume", trades]`.
struct KlinesController: Sendable {
    let reader: CandleReader

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { request, context in
            _ = try context.requireUser()
            let query = try KlinesQuery(parameters: request.queryValues)
            guard try await reader.isKnown(query.symbol) else { throw ProblemDetails.unknownSymbol(query.symbol) }
            return Response.json(Self.jsonText(try await reader.candles(query)))
        }
    }

    /// Written by hand: the array mixes numbers and strings, and decimals must stay exact text.
    static func jsonText(_ candles: [CandleReader.Row]) -> String {
        var text = "["
        for (index, candle) in candles.enumerated() {
            if index > 0 { text += "," }
            text += "[\(candle.openTime),\"\(candle.open)\",\"\(candle.high)\",\"\(candle.low)\",\"\(candle.close)\","
            text += "\"\(candle.volume)\",\(candle.closeTime),\"\(candle.quoteVolume)\",\(candle.tradeCount)]"
        }
        return text + "]"
    }
}
