import AsyncHTTPClient
import BallastCore
import BallastRedis
import BallastTestSupport
import Foundation
import Testing

@testable import Ingest

@Suite("WebSocket market streams")
struct LiveMarketStreamsTests {
    @Test("a raw and a combined subscriber get a symbol's trade frames in order, the combined one wrapped with its stream")
    func framesInOrder() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = try await LiveHarness.knownSymbol(in: database)
            let name = symbol.lowercased()
            let redis = RedisClient(endpoint: try TestServers.redis)
            try await LiveHarness.running(database) { server in
                let raw = WebSocketTestClient(server.url("/ws/\(name)@trade"))
                let combined = WebSocketTestClient(server.url("/stream?streams=\(name)@trade/\(name)@kline_1m"))
                // The Binance spelling without the dash names the same stream.
                let compact = WebSocketTestClient(server.url("/ws/\(name.replacingOccurrences(of: "-", with: ""))@trade"))
                try await Task.sleep(for: .milliseconds(300))
                let trades = (1...5).map { LiveHarness.tradePayload(symbol, id: $0) }
                let kline = "{\"e\":\"kline\",\"s\":\"\(symbol)\",\"k\":{\"i\":\"1m\",\"x\":false}}"
                try await LiveHarness.publish(trades.prefix(3).map { ("trade", $0) } + [("kline_1m", kline)], symbol: symbol, redis: redis)
                try await LiveHarness.publish(trades.suffix(2).map { ("trade", $0) }, symbol: symbol, redis: redis)
                #expect(await raw.waitForMessages(5))
                #expect(await combined.waitForMessages(6))
                #expect(await compact.waitForMessages(5))
                #expect(raw.messages == trades)
                #expect(compact.messages == trades)
                let wrapped =
                    trades.prefix(3).map { "{\"stream\":\"\(name)@trade\",\"data\":\($0)}" }
                    + ["{\"stream\":\"\(name)@kline_1m\",\"data\":\(kline)}"]
                    + trades.suffix(2).map { "{\"stream\":\"\(name)@trade\",\"data\":\($0)}" }
                #expect(combined.messages == wrapped)
                for client in [raw, combined, compact] { await client.stop() }
            }
        }
    }

    @Test("SUBSCRIBE, LIST_SUBSCRIPTIONS and UNSUBSCRIBE are answered by id; bad requests get an error frame and the socket stays up")
    func requests() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = try await LiveHarness.knownSymbol(in: database)
            let name = symbol.lowercased()
            let redis = RedisClient(endpoint: try TestServers.redis)
            try await LiveHarness.running(database, environment: ["BALLAST_WS_MAX_SUBSCRIPTIONS": "2"]) { server in
                let client = WebSocketTestClient(server.url("/ws"))
                client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"\(name)@trade\",\"\(name)@ticker\"],\"id\":1}")
                client.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":\"list\"}")
                client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"\(name)@kline_5m\"],\"id\":2}")
                client.send("not json")
                client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"\(name)@depth\"],\"id\":3}")
                client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"nosuch-usd@trade\"],\"id\":4}")
                client.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"\(name)@trade\"],\"id\":-1}")
                client.send("{\"method\":\"PUBLISH\",\"params\":[],\"id\":5}")
                client.send("{\"method\":\"UNSUBSCRIBE\",\"params\":[\"\(name)@ticker\"],\"id\":6}")
                client.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":7}")
                #expect(await client.waitForMessages(10))
                let replies = client.messages
                try #require(replies.count >= 10, "\(replies)")
                #expect(replies[0] == "{\"result\":null,\"id\":1}")
                #expect(replies[1] == "{\"result\":[\"\(name)@trade\",\"\(name)@ticker\"],\"id\":\"list\"}")
                #expect(
                    replies[2].contains("\"code\":2") && replies[2].contains("too many subscriptions") && replies[2].hasSuffix("\"id\":2}"))
                #expect(replies[3].contains("\"code\":3") && replies[3].contains("Invalid JSON"))
                #expect(replies[4].contains("no channel 'depth'") && replies[4].hasSuffix("\"id\":3}"))
                #expect(replies[5].contains("market-data has no trades of this symbol") && replies[5].hasSuffix("\"id\":4}"))
                #expect(replies[6].contains("request ID must be"))
                #expect(replies[7].contains("unknown method 'PUBLISH'"))
                #expect(replies[8] == "{\"result\":null,\"id\":6}")
                #expect(replies[9] == "{\"result\":[\"\(name)@trade\"],\"id\":7}")
                // Still subscribed and served after all that.
                try await LiveHarness.publish([("trade", LiveHarness.tradePayload(symbol, id: 9))], symbol: symbol, redis: redis)
                #expect(await client.waitForMessages(11))
                #expect(client.messages.last == LiveHarness.tradePayload(symbol, id: 9))
                #expect(!client.ended)
                await client.stop()
            }
        }
    }

    @Test("streams that cannot be served: a WebSocket gets an error frame and a close with the reason, plain HTTP a problem")
    func refused() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = try await LiveHarness.knownSymbol(in: database)
            try await LiveHarness.running(database) { server in
                let base = "http://127.0.0.1:\(server.port)"
                let cases: [(path: String, status: Int, parameter: String?)] = [
                    ("/ws/\(symbol.lowercased())@depth", 400, "stream"),
                    ("/ws/nosuch-usd@trade", 400, "stream"),
                    ("/stream?streams=\(symbol.lowercased())@trade/bad%20name", 400, "streams"),
                    ("/ws/\(String(repeating: "a", count: 60))", 401, "stream"),
                    ("/ws/\(symbol.lowercased())@trade", 426, nil),
                ]
                for item in cases {
                    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + item.path), timeout: .seconds(5))
                    let body = String(buffer: try await response.body.collect(upTo: 1 << 16))
                    #expect(Int(response.status.code) == item.status, "\(item.path): \(body)")
                    #expect(response.headers.first(name: "content-type") == "application/problem+json", "\(item.path)")
                    if let parameter = item.parameter { #expect(body.contains("\"name\":\"\(parameter)\""), "\(item.path): \(body)") }
                }
                let sockets: [(path: String, code: Int, reason: String)] = [
                    ("/ws/\(symbol.lowercased())@depth", 1008, "no channel 'depth'"),
                    ("/ws/nosuch-usd@trade", 1008, "market-data has no trades"),
                    ("/ws/\(String(repeating: "a", count: 60))", 4001, "listen key is unknown or expired"),
                ]
                for item in sockets {
                    let client = WebSocketTestClient(server.url(item.path))
                    #expect(await client.waitForEnd())
                    #expect(client.close?.code == item.code, "\(item.path)")
                    #expect(client.close?.reason.contains(item.reason) == true, "\(item.path): \(String(describing: client.close))")
                    #expect(client.messages.first?.contains("\"error\":{\"code\":2") == true, "\(item.path)")
                }
                #expect(server.live.hub.connectionCount == 0)
            }
        }
    }

    @Test("over the instance's connection limit, a socket is closed with 4029 and the reason")
    func instanceLimit() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = try await LiveHarness.knownSymbol(in: database)
            try await LiveHarness.running(database, environment: ["BALLAST_WS_MAX_CONNECTIONS": "1"]) { server in
                let first = WebSocketTestClient(server.url("/ws/\(symbol.lowercased())@trade"))
                #expect(await eventually { server.live.hub.connectionCount == 1 })
                let second = WebSocketTestClient(server.url("/ws/\(symbol.lowercased())@trade"))
                #expect(await second.waitForEnd())
                #expect(second.close?.code == 4029)
                #expect(second.close?.reason.contains("limit 1") == true)
                #expect(!first.ended)
                await first.stop()
            }
        }
    }

    @Test("two ingest instances on one Redis: a subscriber on either gets what market-data published once")
    func twoInstances() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = try await LiveHarness.knownSymbol(in: database)
            let redis = RedisClient(endpoint: try TestServers.redis)
            try await LiveHarness.running(database) { first in
                try await LiveHarness.running(database) { second in
                    let one = WebSocketTestClient(first.url("/ws/\(symbol.lowercased())@trade"))
                    let two = WebSocketTestClient(second.url("/ws/\(symbol.lowercased())@trade"))
                    try await Task.sleep(for: .milliseconds(300))
                    try await LiveHarness.publish([("trade", LiveHarness.tradePayload(symbol, id: 1))], symbol: symbol, redis: redis)
                    #expect(await one.waitForMessages(1))
                    #expect(await two.waitForMessages(1))
                    #expect(one.messages == [LiveHarness.tradePayload(symbol, id: 1)])
                    #expect(two.messages == one.messages)
                    await one.stop()
                    await two.stop()
                }
            }
        }
    }

    @Test("a client that stops reading is cut off with 4008 when its buffer fills; another subscriber gets every frame")
    func slowClientCut() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = try await LiveHarness.knownSymbol(in: database)
            let redis = RedisClient(endpoint: try TestServers.redis)
            try await LiveHarness.running(database, environment: ["BALLAST_WS_SEND_BUFFER_FRAMES": "64"]) { server in
                let stalled = try StalledWebSocket(port: server.port, path: "/ws/\(symbol.lowercased())@trade")
                let healthy = WebSocketTestClient(server.url("/ws/\(symbol.lowercased())@trade"))
                try await Task.sleep(for: .milliseconds(300))
                #expect(server.live.hub.connectionCount == 2)
                // 64 KiB frames, 4 an entry: the stalled socket's kernel buffers fill after a few dozen, then its 64 queued
                // frames; the healthy one reads each entry's frames long before the next.
                let padding = String(repeating: "x", count: 64_000)
                let total = 200
                for batch in stride(from: 0, to: total, by: 4) {
                    let fields = (batch..<batch + 4).map {
                        ("trade", "{\"e\":\"trade\",\"s\":\"\(symbol)\",\"t\":\($0),\"pad\":\"\(padding)\"}")
                    }
                    try await LiveHarness.publish(fields, symbol: symbol, redis: redis)
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(await healthy.waitForMessages(total, timeout: .seconds(20)))
                #expect(healthy.messages.count == total)
                #expect(!healthy.ended)
                #expect(server.live.hub.slowDisconnectCount == 1)
                // Its close frame, 4008, follows the frames it never read; or, were it cut before that could be written,
                // the connection just ends.
                let code = stalled.drainUntilClosed(timeout: .seconds(10))
                #expect(code == 4008 || code == nil)
                #expect(await eventually(timeout: .seconds(10)) { server.live.hub.connectionCount == 1 })
                await healthy.stop()
            }
        }
    }
}
