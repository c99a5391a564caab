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
        var problems: [ProblemDetails.InvalidParameter] = []
        let symbol = parameters["symbol"].map(MarketSymbol.normalized) ?? nil
        if symbol == nil {
            problems.append(.init(name: "symbol", reason: parameters["symbol"] == nil ? "is required" : "is not a symbol"))
        }
        let interval = parameters["interval"].flatMap(CandleInterval.init(rawValue:))
        if interval == nil {
            let allowed = CandleInterval.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append(.init(name: "interval", reason: parameters["interval"] == nil ? "is required" : "expected one of \(allowed)"))
        }
        for name in ["startTime", "endTime"] {
            guard let text = parameters[name] else { continue }
            guard let milliseconds = Int64(text), milliseconds >= 0 else {
                problems.append(.init(name: name, reason: "expected epoch milliseconds, a non-negative integer"))
                continue
            }
            if name == "startTime" { startTime = milliseconds } else { endTime = milliseconds }
        }
        if let startTime, let endTime, startTime > endTime {
            problems.append(.init(name: "startTime", reason: "is after endTime"))
        }
        if let text = parameters["limit"] {
            if let value = Int(text), Self.limits.contains(value) {
                limit = value
            } else {
                problems.append(.init(name: "limit", reason: "expected an integer in 1...1000"))
            }
        }
        guard problems.isEmpty, let symbol, let interval else {
            throw ProblemDetails(status: .badRequest, detail: "the query has invalid parameters", invalidParams: problems)
        }
        self.symbol = symbol
        self.interval = interval
    }
}
