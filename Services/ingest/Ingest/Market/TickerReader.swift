import BallastCore
import BallastRedis
import Logging
import PostgresNIO

/// Reads what market-data keeps in Redis: the 24 h tickers and the last prices.
public struct TickerReader: Sendable {
    let redis: RedisClient
    let candles: CandleReader

    public init(redis: RedisClient, candles: CandleReader) {
        self.redis = redis
        self.candles = candles
    }

    /// The cached JSON of each symbol's ticker (`symbols` nil: every known symbol), in symbol order;
    /// symbols without a fresh ticker are left out.
    func tickers(of symbols: [String]? = nil) async throws -> [String] {
        try await values(of: resolved(symbols), key: MarketKeys.ticker)
    }

    /// `(symbol, price)` of each symbol's last trade (`symbols` nil: every known symbol).
    func prices(of symbols: [String]? = nil) async throws -> [(symbol: String, price: String)] {
        let symbols = try await resolved(symbols)
        let prices = try await values(of: symbols, key: MarketKeys.price, keepingEmpty: true)
        return zip(symbols, prices).compactMap { symbol, price in price.isEmpty ? nil : (symbol, price) }
    }

    /// The symbols asked for, or every known one.
    private func resolved(_ symbols: [String]?) async throws -> [String] {
        if let symbols { return symbols }
        return try await candles.knownSymbols()
    }

    private func values(of symbols: [String], key: (String) -> String, keepingEmpty: Bool = false) async throws -> [String] {
        guard !symbols.isEmpty else { return [] }
        let reply = try await redis.send(RedisCommand(["MGET"] + symbols.map(key)))
        let values = (reply.array ?? []).map { $0.string ?? "" }
        return keepingEmpty ? values : values.filter { !$0.isEmpty }
    }
}
