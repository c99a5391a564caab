import AsyncHTTPClient
import BallastCore
import BallastMarket
import BallastRedis
import BallastTestSupport
import BallastUsers
import Foundation
import Testing

@testable import Ingest

@Suite("Trades to WebSocket frames")
struct LiveMarketPipelineTests {
    @Test("replayed trades reach @trade and @kline_1m in order, and the last (closed) kline equals GET /api/v1/klines")
    func tradesToFrames() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = try await LiveHarness.knownSymbol(in: database)
            let name = symbol.lowercased()
            let users = UserStore(database: database, logger: TestServers.logger)
            try await users.createUser(named: "carol")
            let key = try await users.createAPIKey(forUser: "carol").key
            let redis = RedisClient(endpoint: try TestServers.redis)
            // As market-data's TradeConsumer does: store a batch, then publish what it changed.
            let store = TradeStore(database: database, logger: TestServers.logger)
            let publisher = LiveMarketPublisher(redis: redis)
            var market = SimulatedMarket(symbols: [symbol], seed: 7, firstTradeID: 1)
            // A replay of an hour ago: the minute has ended, so its kline frames are closed ones.
            let minute = (Date().epochMilliseconds / 60_000 - 60) * 60_000
            let trades = (0..<5).map { market.nextTrade(at: minute + Int64($0) * 7_000) }
            try await LiveHarness.running(database) { server in
                let client = WebSocketTestClient(server.url("/stream?streams=\(name)@trade/\(name)@kline_1m"))
                try await Task.sleep(for: .milliseconds(300))
                for batch in [Array(trades.prefix(3)), Array(trades.suffix(2)), Array(trades.suffix(2))] {
                    try await publisher.publish(try await store.record(batch), now: Date().epochMilliseconds)
                }
                // 3 trades + kline, 2 trades + kline; the replayed batch stores nothing and publishes nothing.
                #expect(await client.waitForMessages(7))
                try await Task.sleep(for: .milliseconds(300))
                let frames = try client.messages.map { try JSONValue(parsing: $0.utf8) }
                try #require(frames.count == 7, "\(client.messages)")
                let streams = frames.map { frame -> String in
                    if case .string(let stream)? = frame["stream"] { return stream }
                    return ""
                }
                let trade = "\(name)@trade"
                let kline = "\(name)@kline_1m"
                #expect(streams == [trade, trade, trade, kline, trade, trade, kline])
                let tradeIDs = frames.filter { $0["data"]?["e"] == .string("trade") }.compactMap { $0["data"]?["t"] }
                #expect(tradeIDs == trades.map { .number($0.id.description) })

                let last = try #require(frames.last?["data"]?["k"])
                #expect(last["x"] == .bool(true))
                #expect(last["n"] == .number("5"))
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/klines?symbol=\(symbol)&interval=1m")
                request.headers.add(name: "Authorization", value: "Bearer \(key)")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
                let rows = try JSONValue(parsing: try await response.body.collect(upTo: 1 << 16).readableBytesView)
                guard case .array(let candles) = rows, case .array(let row)? = candles.last else {
                    Issue.record("no klines: \(rows.serialized)")
                    return
                }
                // [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades]
                let fromFrame: [JSONValue?] = [
                    last["t"], last["o"], last["h"], last["l"], last["c"], last["v"], last["T"], last["q"], last["n"],
                ]
                #expect(fromFrame == row.map { Optional($0) })
                await client.stop()
            }
        }
    }
}
