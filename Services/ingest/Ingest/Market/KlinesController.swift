import BallastService
import Foundation
import Hummingbird

/// `GET /api/v1/klines`: candles as Binance-style arrays
/// `[openTime, "open", "high", "low", "close", "volume", closeTime, "quoteVolume", trades]`, from the reader's
/// `KlinesCache` when it holds the answer at the symbol's current klines version, otherwise from Postgres (and then
/// cached). Only known symbols' answers are cached, so a hit needs no other check.
struct KlinesController: Sendable {
    let reader: CandleReader

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { request, context in
            _ = try context.requireUser()
            let query = try KlinesQuery(parameters: request.queryValues)
            let cached = await reader.cache?.lookup(query)
            if let text = cached?.text { return Response.json(text) }
            guard try await reader.isKnown(query.symbol) else { throw ProblemDetails.unknownSymbol(query.symbol) }
            let text = Self.jsonText(try await reader.candles(query))
            if let version = cached?.version { await reader.cache?.store(text, for: query, version: version) }
            return Response.json(text)
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
