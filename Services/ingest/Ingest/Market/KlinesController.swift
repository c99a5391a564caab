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
            let query = try KlinesQuery(
                parameters: Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }) { _, last in last })
            guard try await reader.isKnown(query.symbol) else {
                throw ProblemDetails(
                    status: .badRequest,
                    detail: "unknown symbol",
                    invalidParams: [.init(name: "symbol", reason: "market-data has no trades of '\(query.symbol)'")]
                )
            }
            let candles = try await reader.candles(query)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.json(candles)))
            )
        }
    }

    /// Written by hand: the array mixes numbers and strings, and decimals must stay exact text.
    static func json(_ candles: [CandleReader.Row]) -> String {
        var text = "["
        for (index, candle) in candles.enumerated() {
            if index > 0 { text += "," }
            text += "[\(candle.openTime),\"\(candle.open)\",\"\(candle.high)\",\"\(candle.low)\",\"\(candle.close)\","
            text += "\"\(candle.volume)\",\(candle.closeTime),\"\(candle.quoteVolume)\",\(candle.tradeCount)]"
        }
        return text + "]"
    }
}
