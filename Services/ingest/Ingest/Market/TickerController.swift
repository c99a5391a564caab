import BallastCore
import BallastMarket
import BallastService
import Hummingbird

/// `GET /api/v1/ticker/24hr` and `GET /api/v1/ticker/price`, Binance-style: one object with `?symbol=`,
/// otherwise an array of every symbol's. The tickers are market-data's, refreshed every 5 s.
struct TickerController: Sendable {
    let reader: TickerReader

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get("24hr") { request, context in
            _ = try context.requireUser()
            guard let symbol = try await symbol(of: request) else {
                return Response.json("[" + (try await reader.tickers()).joined(separator: ",") + "]")
            }
            guard let ticker = try await reader.tickers(of: [symbol]).first else {
                throw ProblemDetails(status: .notFound, detail: "no trade of '\(symbol)' in the last 24 h")
            }
            return Response.json(ticker)
        }
        group.get("price") { request, context in
            _ = try context.requireUser()
            let symbol = try await symbol(of: request)
            let prices = try await reader.prices(of: symbol.map { [$0] })
            let objects = prices.map { price in
                "{\"symbol\":" + JSONValue.quoted(price.symbol) + ",\"price\":" + JSONValue.quoted(price.price) + "}"
            }
            guard let symbol else { return Response.json("[" + objects.joined(separator: ",") + "]") }
            guard let object = objects.first else { throw ProblemDetails(status: .notFound, detail: "no last price of '\(symbol)'") }
            return Response.json(object)
        }
    }

    /// The `symbol` parameter, normalised; nil when absent; a 400 when it is not a symbol market-data knows.
    private func symbol(of request: Request) async throws -> String? {
        guard let text = request.uri.queryParameters["symbol"].map(String.init) else { return nil }
        guard let symbol = MarketSymbol.normalized(text), try await reader.candles.isKnown(symbol) else {
            throw ProblemDetails.unknownSymbol(text)
        }
        return symbol
    }
}
