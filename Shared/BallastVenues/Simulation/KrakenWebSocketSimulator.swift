import BallastCore
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Synchronization

/// Kraken's WebSocket v2 for the `trade` channel, served from memory on its own port at `/v2`, so the trade feed is
/// tested against the protocol rather than against mocks: a `status` message on connect, `subscribe` and `unsubscribe`
/// with one acknowledgement per symbol (an error for a pair it does not list), the last 50 trades as a snapshot when
/// asked, updates as trades happen, a heartbeat every second to subscribed connections, `ping` answered with `pong`.
///
/// Trades come from `publish(_:)`, or from a `KrakenSimulator`'s trade hook through `follow(_:)`. Faults for tests:
/// `dropConnections()`, `refuseConnections(for:)` (upgrades answered 405, as a load balancer in trouble would refuse),
/// `stall(for:)` (connections stay open but nothing is sent, as when a network path dies silently).
public final class KrakenWebSocketSimulator: Sendable {
    /// How many recent trades per pair a snapshot holds, as Kraken sends.
    public static let snapshotSize = 50

    private struct Connection {
        /// Frames for this connection's writer, in order; nil closes the connection.
        var outbox: AsyncStream<String?>.Continuation
        var pairs: Set<String> = []
    }

    private struct State {
        var pairs: Set<String>
        var recent: [String: [KrakenSimulatedTrade]] = [:]
        var connections: [Int: Connection] = [:]
        var connectionsAccepted = 0
        var refusingUntil: ContinuousClock.Instant?
        var silentUntil: ContinuousClock.Instant?

        var isSilent: Bool { silentUntil.map { ContinuousClock.now < $0 } ?? false }

        /// Queues `frame` for connection `id`, unless the simulator is stalled (then it is lost, as on a dead path).
        func send(_ frame: String, to id: Int) {
            guard !isSilent else { return }
            connections[id]?.outbox.yield(frame)
        }
    }

    private let state: Mutex<State>
    private let heartbeatInterval: Duration
    private let logger: Logger

    /// Lists `pairs` (v2 names, `BTC/USD`; a trade published for another pair lists it too).
    public init(
        pairs: [String] = KrakenSimulatedPair.defaults.map(\.symbol), heartbeatInterval: Duration = .seconds(1),
        logger: Logger = Logger(label: "kraken-websocket-simulator")
    ) {
        state = Mutex(State(pairs: Set(pairs)))
        self.heartbeatInterval = heartbeatInterval
        self.logger = logger
    }

    // MARK: Trades

    /// Sends `trade` to every connection subscribed to its pair and keeps it for the snapshots of later subscribers.
    public func publish(_ trade: KrakenSimulatedTrade) {
        let frame = Self.tradeMessage([trade], type: "update")
        state.withLock { state in
            state.pairs.insert(trade.symbol)
            state.recent[trade.symbol, default: []].append(trade)
            if state.recent[trade.symbol, default: []].count > Self.snapshotSize {
                state.recent[trade.symbol]?.removeFirst()
            }
            for (id, connection) in state.connections where connection.pairs.contains(trade.symbol) {
                state.send(frame, to: id)
            }
        }
    }

    /// Publishes every trade `simulator` makes from now on (its fills and market trades), as Kraken streams its own.
    public func follow(_ simulator: KrakenSimulator) {
        simulator.onTrade { [self] trade in publish(trade) }
    }

    // MARK: Faults

    /// Closes every open connection now; new ones are accepted as before.
    public func dropConnections() {
        state.withLock { state in
            for connection in state.connections.values { connection.outbox.yield(nil) }
            state.connections = [:]
        }
    }

    /// Answers WebSocket upgrades with 405 for `duration` from now (`.zero` ends a refusal); connections already open
    /// stay.
    public func refuseConnections(for duration: Duration) {
        state.withLock { $0.refusingUntil = .now + duration }
    }

    /// Sends nothing (no trade, heartbeat or answer) for `duration`; what would have been sent is lost, trades are still
    /// kept for snapshots.
    public func stall(for duration: Duration) {
        state.withLock { $0.silentUntil = .now + duration }
    }

    /// Connections open now.
    public var openConnections: Int { state.withLock { $0.connections.count } }

    /// Connections accepted since the start, for tests that wait for a reconnect.
    public var acceptedConnections: Int { state.withLock { $0.connectionsAccepted } }

    // MARK: Serving

    /// Serves `/v2` on `host`:`port` (0: a port the kernel picks) until the task is cancelled; `onListening` gets the port
    /// once connections are accepted.
    public func run(
        host: String = "127.0.0.1", port: Int = 0, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    )
        async throws
    {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws(
            "/v2",
            shouldUpgrade: { _, _ in
                self.state.withLock { state in
                    guard let until = state.refusingUntil, ContinuousClock.now < until else { return .upgrade() }
                    return .dontUpgrade
                }
            },
            onUpgrade: { inbound, outbound, _ in try await self.serve(inbound: inbound, outbound: outbound) }
        )
        let application = Application(
            router: Router(),
            server: .http1WebSocketUpgrade(
                webSocketRouter: router,
                configuration: .init(ws: .init(maxFrameSize: 1 << 20, autoPing: .disabled, closeTimeout: .seconds(1)))),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
        try await application.run()
    }

    /// Serves on 127.0.0.1 for the length of `body`, which gets the endpoint's URL (`ws://127.0.0.1:PORT/v2`).
    public func withRunning<Value: Sendable>(_ body: @Sendable (_ url: String) async throws -> Value) async throws -> Value {
        let listening = AsyncStream<Int>.makeStream()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run { listening.continuation.yield($0) } }
            defer { group.cancelAll() }
            var boundPort: Int?
            for await port in listening.stream {
                boundPort = port
                break
            }
            guard let boundPort else { throw CancellationError() }
            return try await body("ws://127.0.0.1:\(boundPort)/v2")
        }
    }

    /// One connection: a writer draining its outbox, a heartbeat, and the requests read from `inbound`. It ends when the
    /// client goes or `dropConnections()` closes the outbox.
    private func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let (frames, outbox) = AsyncStream<String?>.makeStream()
        let id = state.withLock { state in
            state.connectionsAccepted += 1
            let id = state.connectionsAccepted
            state.connections[id] = Connection(outbox: outbox)
            state.send(Self.statusMessage(connectionID: id), to: id)
            return id
        }
        defer {
            state.withLock { _ = $0.connections.removeValue(forKey: id) }
            outbox.finish()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in frames {
                    guard let frame else { return }
                    try await outbound.write(.text(frame))
                }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: self.heartbeatInterval)
                    self.state.withLock { state in
                        guard state.connections[id]?.pairs.isEmpty == false else { return }
                        state.send(#"{"channel":"heartbeat"}"#, to: id)
                    }
                }
            }
            group.addTask {
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    self.answer(text, connection: id)
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    // MARK: Requests

    private func answer(_ text: String, connection id: Int) {
        let timeIn = Self.timestamp(Date())
        guard let request = try? JSONValue(parsing: text.utf8), case .string(let method)? = request["method"] else {
            state.withLock { $0.send(Self.failure(method: "error", error: "Malformed request", timeIn: timeIn), to: id) }
            return
        }
        let requestID = request["req_id"]
        switch method {
        case "ping":
            let pong = Self.answerObject(method: "pong", success: nil, timeIn: timeIn, requestID: requestID)
            state.withLock { $0.send(pong, to: id) }
        case "subscribe", "unsubscribe":
            subscription(method: method, params: request["params"], requestID: requestID, timeIn: timeIn, connection: id)
        default:
            state.withLock {
                $0.send(Self.failure(method: method, error: "Method not supported", timeIn: timeIn, requestID: requestID), to: id)
            }
        }
    }

    /// One answer per symbol, and for a subscribe with `snapshot` the pair's recent trades right after its answer: all
    /// under the lock that `publish` takes, so no trade falls between a snapshot and the updates that follow it.
    private func subscription(method: String, params: JSONValue?, requestID: JSONValue?, timeIn: String, connection id: Int) {
        guard case .string(let channel)? = params?["channel"] else {
            state.withLock { $0.send(Self.failure(method: method, error: "Missing channel", timeIn: timeIn, requestID: requestID), to: id) }
            return
        }
        guard channel == "trade" else {
            let error = "Channel \(channel) is not served by the simulator (only trade)"
            state.withLock { $0.send(Self.failure(method: method, error: error, timeIn: timeIn, requestID: requestID), to: id) }
            return
        }
        guard case .array(let symbols)? = params?["symbol"], !symbols.isEmpty else {
            state.withLock { $0.send(Self.failure(method: method, error: "Missing symbol", timeIn: timeIn, requestID: requestID), to: id) }
            return
        }
        let wantsSnapshot = params?["snapshot"] == .bool(true)
        state.withLock { state in
            for symbol in symbols {
                guard case .string(let pair) = symbol, state.pairs.contains(pair) else {
                    let name: String
                    if case .string(let text) = symbol { name = text } else { name = symbol.serialized }
                    let error = "Currency pair not supported \(name)"
                    state.send(Self.failure(method: method, error: error, symbol: name, timeIn: timeIn, requestID: requestID), to: id)
                    continue
                }
                if method == "subscribe" {
                    state.connections[id]?.pairs.insert(pair)
                    let result: [(key: String, value: JSONValue)] = [
                        ("channel", .string("trade")), ("snapshot", .bool(wantsSnapshot)), ("symbol", .string(pair)),
                    ]
                    state.send(Self.answerObject(method: method, result: result, timeIn: timeIn, requestID: requestID), to: id)
                    if wantsSnapshot { state.send(Self.tradeMessage(state.recent[pair] ?? [], type: "snapshot"), to: id) }
                } else if state.connections[id]?.pairs.remove(pair) != nil {
                    let result: [(key: String, value: JSONValue)] = [("channel", .string("trade")), ("symbol", .string(pair))]
                    state.send(Self.answerObject(method: method, result: result, timeIn: timeIn, requestID: requestID), to: id)
                } else {
                    let error = "Subscription Not Found"
                    state.send(Self.failure(method: method, error: error, symbol: pair, timeIn: timeIn, requestID: requestID), to: id)
                }
            }
        }
    }

    // MARK: Frames

    /// `{"channel":"trade","type":...,"data":[...]}` with prices and quantities as JSON numbers written from their exact
    /// decimal digits, times in microseconds as Kraken writes them.
    static func tradeMessage(_ trades: [KrakenSimulatedTrade], type: String) -> String {
        var frame = #"{"channel":"trade","type":"\#(type)","data":["#
        for (index, trade) in trades.enumerated() {
            if index > 0 { frame += "," }
            frame += #"{"symbol":"#
            JSONValue.writeQuoted(trade.symbol, to: &frame)
            frame += #","side":"\#(trade.side.rawValue)","price":\#(trade.price),"qty":\#(trade.quantity)"#
            frame += #","ord_type":"\#(trade.orderType.rawValue)","trade_id":\#(trade.tradeID),"timestamp":"\#(timestamp(trade.time))"}"#
        }
        return frame + "]}"
    }

    private static func statusMessage(connectionID: Int) -> String {
        #"{"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":\#(connectionID),"system":"online","version":"2.0.0"}]}"#
    }

    /// A successful answer: `method`, `result` when given, `success`, the request's `req_id`, `time_in`, `time_out`.
    private static func answerObject(
        method: String, result: [(key: String, value: JSONValue)]? = nil, success: Bool? = true, timeIn: String, requestID: JSONValue?
    ) -> String {
        var members: [(key: String, value: JSONValue)] = [("method", .string(method))]
        if let result { members.append(("result", .object(result))) }
        if let success { members.append(("success", .bool(success))) }
        if let requestID { members.append(("req_id", requestID)) }
        members += [("time_in", .string(timeIn)), ("time_out", .string(timestamp(Date())))]
        return JSONValue.object(members).serialized
    }

    /// A refusal: `error`, `method`, `success: false`, the pair when one is at fault, the times.
    private static func failure(method: String, error: String, symbol: String? = nil, timeIn: String, requestID: JSONValue? = nil) -> String
    {
        var members: [(key: String, value: JSONValue)] = [
            ("error", .string(error)), ("method", .string(method)), ("success", .bool(false)),
        ]
        if let symbol { members.append(("symbol", .string(symbol))) }
        if let requestID { members.append(("req_id", requestID)) }
        members += [("time_in", .string(timeIn)), ("time_out", .string(timestamp(Date())))]
        return JSONValue.object(members).serialized
    }

    /// RFC 3339 with microseconds, as v2 writes times (`2023-09-25T07:49:37.708000Z`).
    private static func timestamp(_ date: Date) -> String {
        String(RFC3339.string(from: date).dropLast()) + "000Z"
    }
}
