import BallastCore
import BallastRedis
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// The framework's floor for the same scenario: hummingbird-websocket serving `/ws/<symbol>@trade`, fed by one
/// `XREAD` loop on `ballast:trades` that turns each trade into the `@trade` payload and queues it for that stream's
/// subscribers. No storage, no per-symbol streams, no subscription logic: what any WebSocket fan-out on this machine
/// costs at least.
struct BaselineServer {
    var host = "127.0.0.1"
    var port = 28580
    var redisURL = "redis://127.0.0.1:6379"

    init(_ arguments: some Sequence<String>) throws(ScenarioError) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            guard let value = iterator.next() else { throw ScenarioError("\(argument) needs a value") }
            switch argument {
            case "--host": host = value
            case "--port":
                guard let number = Int(value), (1...65_535).contains(number) else { throw ScenarioError("--port takes 1 to 65535") }
                port = number
            case "--redis": redisURL = value
            default: throw ScenarioError("unknown option \(argument)")
            }
        }
    }

    func run(logger: Logger) async throws {
        let endpoint: RedisEndpoint
        do {
            endpoint = try RedisEndpoint(url: redisURL, variable: "--redis")
        } catch {
            throw ScenarioError("\(error)")
        }
        let hub = BaselineHub()
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws("/ws/{stream}") { inbound, outbound, context in
            guard let stream = context.requestContext.parameters.get("stream") else { return }
            let (id, frames) = hub.add(to: stream)
            defer { hub.remove(id, from: stream) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { for try await _ in inbound {} }
                group.addTask {
                    for await frame in frames { try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: frame))) }
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
        let application = Application(
            router: Router(),
            server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(autoPing: .disabled)),
            configuration: .init(address: .hostname(host, port: port)),
            logger: logger
        )
        let redis = RedisClient(endpoint: endpoint, poolSize: 1)
        let connection = redis.makeDedicatedConnection(name: "baseline-trades", commandTimeout: .seconds(5))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint]) }
            group.addTask { try await Self.relayTrades(from: connection, to: hub, logger: logger) }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Reads `ballast:trades` from its current end and broadcasts each trade's `@trade` frame until cancelled.
    private static func relayTrades(from connection: RedisConnection, to hub: BaselineHub, logger: Logger) async throws {
        var position = "$"
        while !Task.isCancelled {
            let reply: RedisReply
            do {
                reply = try await connection.send(
                    RedisCommand("XREAD", "COUNT", "1000", "BLOCK", "1000", "STREAMS", StreamName.trades, position))
            } catch {
                logger.error("baseline cannot read trades", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .milliseconds(200))
                continue
            }
            for entry in reply.array?.first?.array?.last?.array ?? [] {
                guard let parts = entry.array, parts.count == 2, let id = parts[0].string else { continue }
                position = id
                let fields = parts[1].array ?? []
                guard
                    let dataIndex = stride(from: 0, to: fields.count - 1, by: 2).first(where: { fields[$0].string == EnvelopeField.data }),
                    let data = fields[dataIndex + 1].string, let frame = tradeFrame(data)
                else { continue }
                hub.broadcast(ByteBuffer(string: frame.payload), to: frame.stream)
            }
        }
    }

    /// The Binance-style `@trade` payload of a `market.trade` envelope's data, and its stream name.
    static func tradeFrame(_ data: String) -> (stream: String, payload: String)? {
        guard let trade = try? JSONValue(parsing: data.utf8), case .string(let symbol)? = trade["symbol"],
            let id = trade["tradeId"].flatMap(text), let price = trade["price"].flatMap(text),
            let quantity = trade["quantity"].flatMap(text), let side = trade["side"].flatMap(text),
            let time = trade["ts"].flatMap(text).flatMap(epochMilliseconds)
        else { return nil }
        var payload = #"{"e":"trade","E":"# + String(Date().epochMilliseconds) + #","s":"#
        JSONValue.writeQuoted(symbol, to: &payload)
        payload += #","t":\#(id),"p":"\#(price)","q":"\#(quantity)","T":\#(time),"m":\#(side == "sell"),"M":true}"#
        return ("\(symbol.lowercased())@trade", payload)
    }

    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text), .number(let text): text
        default: nil
        }
    }

    private static func epochMilliseconds(_ text: String) -> Int64? {
        Int64(text) ?? RFC3339.date(from: text)?.epochMilliseconds
    }
}
