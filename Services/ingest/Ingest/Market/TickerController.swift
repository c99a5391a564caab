import BallastCore
import BallastService
import Hummingbird
import MarketData

/// `GET /api/v1/ticker/24hr` and `GET /api/v1/ticker/price`, Binance-style: one object with `?symbol=`,
/// otherwise an array of every symbol's. The tickers are market-data's, refreshed every 5 s.
struct TickerController: Sendable {
    let reader: TickerReader

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get("24hr") { request, context in
            _ = try context.requireUser()
            guard let symbol = try await symbol(of: request) else {
                return Self.json("[" + (try await reader.tickers()).joined(separator: ",") + "]")
            }
            guard let ticker = try await reader.tickers(of: [symbol]).first else {
                throw ProblemDetails(status: .notFound, detail: "no trade of '\(symbol)' in the last 24 h")
            }
            return Self.json(ticker)
        }
        group.get("price") { request, context in
            _ = try context.requireUser()
            let symbol = try await symbol(of: request)
            let prices = try await reader.prices(of: symbol.map { [$0] })
            let objects = prices.map { price in
                "{\"symbol\":" + JSONValue.quoted(price.symbol) + ",\"price\":" + JSONValue.quoted(price.price) + "}"
            }
            guard let symbol else { return Self.json("[" + objects.joined(separator: ",") + "]") }
            guard let object = objects.first else { throw ProblemDetails(status: .notFound, detail: "no last price of '\(symbol)'") }
            return Self.json(object)
        }
    }

    /// The `symbol` parameter, normalised; nil when absent; a 400 when it is not a symbol market-data knows.
    private func symbol(of request: Request) async throws -> String? {
        guard let text = request.uri.queryParameters["symbol"].map(String.init) else { return nil }
        guard let symbol = MarketSymbol.normalized(text), try await reader.candles.isKnown(symbol) else {
            throw ProblemDetails(
                status: .badRequest,
                detail: "unknown symbol",
                invalidParams: [.init(name: "symbol", reason: "market-data has no trades of '\(text.prefix(64))'")]
            )
        }
        return symbol
    }

    private static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
