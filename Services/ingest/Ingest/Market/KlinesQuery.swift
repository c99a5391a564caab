import BallastMarket
import BallastService

/// The query of `GET /api/v1/klines`, as Binance's klines endpoint takes it.
struct KlinesQuery: Sendable, Equatable {
    static let limits = 1...1000

    var symbol: String
    var interval: CandleInterval
    /// Epoch milliseconds; candles whose open time is in `[startTime, endTime]`.
    var startTime: Int64?
    var endTime: Int64?
    var limit = 500

    /// Parses the query string, reporting every bad parameter.
    init(parameters: [String: String]) throws(ProblemDetails) {
        var reader = QueryParameters(parameters)
        let symbol = reader.symbol(required: true)
        let interval = reader.choice("interval", CandleInterval.allCases.map(\.rawValue), required: true)
            .flatMap(CandleInterval.init(rawValue:))
        startTime = reader.epochMilliseconds("startTime")
        endTime = reader.epochMilliseconds("endTime")
        if let startTime, let endTime, startTime > endTime { reader.report("startTime", "is after endTime") }
        limit = reader.limit(Self.limits, default: 500)
        try reader.check()
        guard let symbol, let interval else { throw ProblemDetails(status: .badRequest, detail: "the query has invalid parameters") }
        self.symbol = symbol
        self.interval = interval
    }
}
