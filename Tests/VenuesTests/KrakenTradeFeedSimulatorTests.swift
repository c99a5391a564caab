import BallastCore
import BallastTrading
import BallastVenues
import Foundation
import Logging
import Testing
import WSClient

/// The simulated Kraken WebSocket speaks v2 as the trade feed reads it: each exchange below is what a client sends and
/// the frames it gets back, read with the feed's own parser.
@Suite struct KrakenTradeFeedSimulatorTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func trade(_ id: Int, pair: String = "BTC/USD", price: String = "60000.5") -> KrakenSimulatedTrade {
        KrakenSimulatedTrade(
            symbol: pair, side: .buy, price: Decimal(string: price)!, quantity: Decimal(string: "0.00000001")!, tradeID: id,
            time: Date(epochMilliseconds: 1_780_000_000_000 + Int64(id)), orderType: .market)
    }

    /// Runs `conversation` on a connection to a running `simulator`, failing after 60 s.
    static func converse(
        with simulator: KrakenWebSocketSimulator, _ conversation: @escaping @Sendable (Conversation) async throws -> Void
    ) async throws {
        try await simulator.withRunning { url in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
                        try await conversation(Conversation(inbound: inbound, outbound: outbound))
                    }
                }
                group.addTask {
                    // Generous: at the start of a full parallel run every test waits its turn for the two cores.
                    try await Task.sleep(for: .seconds(60))
                    Issue.record("the conversation took more than 60 s")
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
    }

    /// One client's side: send a request, read the next frames (through the connection's one iterator).
    final class Conversation {
        private let outbound: WebSocketOutboundWriter
        private var messages: WebSocketInboundMessageStream.AsyncIterator

        init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) {
            self.outbound = outbound
            messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
        }

        func send(_ request: String) async throws { try await outbound.write(.text(request)) }

        /// The next `count` frames, parsed, in order; heartbeats, which come between any two, are left out unless asked for.
        func receive(_ count: Int, heartbeats: Bool = false) async throws -> [KrakenTradeFeedMessage] {
            var frames: [KrakenTradeFeedMessage] = []
            while frames.count < count, let message = try await messages.next() {
                guard case .text(let text) = message else { continue }
                let frame = try KrakenTradeFeedMessage(parsing: text)
                if frame != .heartbeat || heartbeats { frames.append(frame) }
            }
            return frames
        }
    }

    @Test("status on connect; one answer per pair, an error naming an unknown one; the snapshot of the last 50 trades; updates")
    func subscribeWithSnapshot() async throws {
        let simulator = KrakenWebSocketSimulator(logger: Self.logger)
        for id in 1...60 { simulator.publish(Self.trade(id)) }
        try await Self.converse(with: simulator) { client in
            #expect(try await client.receive(1) == [.status(system: "online")])
            try await client.send(#"{"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD","XBT/USD"],"snapshot":true}}"#)
            let answers = try await client.receive(3)
            #expect(answers.first == .subscribed(pair: "BTC/USD"))
            guard case .trades(let snapshot, isSnapshot: true)? = answers.dropFirst().first else {
                Issue.record("no snapshot after the answer: \(answers)")
                return
            }
            #expect(snapshot.map(\.tradeID) == Array(11...60))
            #expect(snapshot.first.map { "\($0.price) \($0.quantity) \($0.orderType ?? "")" } == "60000.5 0.00000001 market")
            #expect(answers.last == .refused(method: "subscribe", pair: "XBT/USD", error: "Currency pair not supported XBT/USD"))

            simulator.publish(Self.trade(61, price: "60001.12345678"))
            simulator.publish(Self.trade(1, pair: "ETH/USD"))
            simulator.publish(Self.trade(62))
            let updates = try await client.receive(2)
            #expect(
                updates.map { message -> [String] in
                    guard case .trades(let trades, isSnapshot: false) = message else { return ["not an update"] }
                    return trades.map { "\($0.pair) \($0.tradeID) \($0.price)" }
                } == [["BTC/USD 61 60001.12345678"], ["BTC/USD 62 60000.5"]])
        }
    }

    @Test("no snapshot unless asked, heartbeats while subscribed, ping, unsubscribe, and errors for what it cannot do")
    func requests() async throws {
        let simulator = KrakenWebSocketSimulator(heartbeatInterval: .milliseconds(100), logger: Self.logger)
        simulator.publish(Self.trade(1))
        try await Self.converse(with: simulator) { client in
            _ = try await client.receive(1)
            try await client.send(#"{"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD"]}}"#)
            // No snapshot: the answer, then a heartbeat.
            #expect(try await client.receive(2, heartbeats: true) == [.subscribed(pair: "BTC/USD"), .heartbeat])
            try await client.send(#"{"method":"ping","req_id":7}"#)
            #expect(try await client.receive(1) == [.pong])
            try await client.send(#"{"method":"unsubscribe","params":{"channel":"trade","symbol":["BTC/USD","ETH/USD"]}}"#)
            #expect(
                try await client.receive(2) == [
                    .unsubscribed(pair: "BTC/USD"), .refused(method: "unsubscribe", pair: "ETH/USD", error: "Subscription Not Found"),
                ])
            try await client.send("hello")
            #expect(try await client.receive(1) == [.refused(method: "error", pair: nil, error: "Malformed request")])
            try await client.send(#"{"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"]}}"#)
            #expect(
                try await client.receive(1) == [
                    .refused(method: "subscribe", pair: nil, error: "Channel book is not served by the simulator (only trade)")
                ])
        }
    }

    @Test("following the simulated exchange streams its trades with their ids")
    func followsTheExchange() async throws {
        let exchange = KrakenSimulator()
        let simulator = KrakenWebSocketSimulator(logger: Self.logger)
        simulator.follow(exchange)
        try await Self.converse(with: simulator) { client in
            _ = try await client.receive(1)
            try await client.send(#"{"method":"subscribe","params":{"channel":"trade","symbol":["ETH/USD"],"snapshot":false}}"#)
            #expect(try await client.receive(1) == [.subscribed(pair: "ETH/USD")])
            try exchange.publishMarketTrade(
                pair: "ETH/USD", price: Decimal(string: "3012.34")!, volume: Decimal(string: "0.25")!, side: .sell)
            guard case .trades(let trades, isSnapshot: false)? = try await client.receive(1).first, let trade = trades.first else {
                Issue.record("no update")
                return
            }
            #expect("\(trade.pair) \(trade.side) \(trade.price) \(trade.quantity) \(trade.tradeID)" == "ETH/USD sell 3012.34 0.25 1")
        }
    }
}
