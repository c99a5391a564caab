import BallastCore
import BallastTrading
import Foundation
import Logging
import Synchronization

/// A Kraken spot exchange in memory, served over Kraken's real REST protocol, so that the Kraken adapter and the
/// whole trading pipeline are tested without the internet against a server that checks what Kraken checks: signed
/// private calls with increasing nonces, pairs' minimums and precisions, funds, open orders' client ids.
///
/// Public: `AssetPairs`, `Ticker`, `Time`. Private: `Balance`, `BalanceEx`, `AddOrder`, `CancelOrder`, `QueryOrders`,
/// `OpenOrders`, `ClosedOrders`, `TradesHistory`. One account stands behind every configured API key (as several keys
/// of one Kraken account); nonces and the call counter are per key. Tests and demos drive it through the methods
/// below or the unauthenticated control routes under `/ballast/` (see `KrakenSimulatorControlRoutes`).
public final class KrakenSimulator: Sendable {
    /// The methods under `/0/private/` this simulator answers.
    public static let privateMethods: Set<String> = [
        "Balance", "BalanceEx", "AddOrder", "CancelOrder", "QueryOrders", "OpenOrders", "ClosedOrders", "TradesHistory",
    ]
    public static let publicMethods: Set<String> = ["AssetPairs", "Ticker", "Time"]

    /// What the server does with a private call: answer it, or close the connection without an answer.
    enum Answer: Sendable, Equatable {
        case body(String)
        case drop
    }

    private struct KeyState {
        var secret: String
        var lastNonce: UInt64?
        var counter: Decimal = 0
        var counterUpdated: ContinuousClock.Instant?
    }

    private struct State {
        var exchange: KrakenSimulatedExchange
        var keys: [String: KeyState] = [:]
        var rateLimit: KrakenSimulatorRateLimit?
        var faults: [String: [(fault: KrakenSimulatorFault, remaining: Int)]] = [:]
        var observers: [@Sendable (KrakenSimulatedTrade) -> Void] = []
        var isStopping = false
    }

    private let state: Mutex<State>
    let logger = Logger(label: "kraken-simulator")

    /// - Parameters:
    ///   - pairs: the markets listed, with their last prices; Bitcoin, Ether and Solana against USD by default.
    ///   - credentials: the API keys accepted.
    ///   - balances: opening balances by asset, Kraken's name (`ZUSD`) or the common one (`USD`).
    ///   - rateLimit: Kraken's per-key call counter; off by default so that tests are not timing-dependent.
    ///   - splitFillsFromCost: orders filling at once with at least this cost (quote asset) fill in two trades.
    public init(
        pairs: [KrakenSimulatedPair] = KrakenSimulatedPair.defaults, credentials: [KrakenSimulatorCredential] = [],
        balances: [String: Decimal] = [:], rateLimit: KrakenSimulatorRateLimit? = nil, splitFillsFromCost: Decimal? = 10_000
    ) {
        var exchange = KrakenSimulatedExchange(pairs: pairs, splitFillsFromCost: splitFillsFromCost)
        for (asset, amount) in balances { exchange.setBalance(amount, asset: asset) }
        var initial = State(exchange: exchange, rateLimit: rateLimit)
        for credential in credentials { initial.keys[credential.apiKey] = KeyState(secret: credential.secret) }
        state = Mutex(initial)
    }

    // MARK: Trade hook

    /// Calls `observer` with every trade on the market from now on (an order of the account filled at once, or a
    /// market trade published), in order, on the thread that made it: it should only hand the trade on.
    public func onTrade(_ observer: @escaping @Sendable (KrakenSimulatedTrade) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    private func notify(_ trades: [KrakenSimulatedTrade]) {
        guard !trades.isEmpty else { return }
        let observers = state.withLock { $0.observers }
        for trade in trades {
            for observer in observers { observer(trade) }
        }
    }

    // MARK: Controls

    /// Accepts `credential`'s key from now on.
    public func addCredential(_ credential: KrakenSimulatorCredential) {
        state.withLock { $0.keys[credential.apiKey] = KeyState(secret: credential.secret) }
    }

    /// Sets the account's total balance of `asset` (`USD` or `ZUSD`, `BTC` or `XXBT`).
    public func setBalance(_ amount: Decimal, asset: String) {
        state.withLock { $0.exchange.setBalance(amount, asset: asset) }
    }

    /// Sets the price market orders of `pair` (a name, altname or symbol) fill at; resting orders are not matched by
    /// it (a trade is: `publishMarketTrade`).
    public func setLastPrice(_ price: Decimal, pair: String) throws(KrakenSimulatorError) {
        guard price > 0 else { throw .invalidArguments("price") }
        try state.withLock { state throws(KrakenSimulatorError) in
            guard let index = state.exchange.pairIndex(pair) else { throw .unknownPair }
            state.exchange.setLastPrice(price, pair: index)
        }
    }

    /// A trade by others on `pair` at `price`: it becomes the last price, fills the account's resting limit orders it
    /// reaches (up to `volume`, as makers at their limit prices), and goes to the trade hook.
    public func publishMarketTrade(pair: String, price: Decimal, volume: Decimal, side: OrderSide) throws(KrakenSimulatorError) {
        guard price > 0 else { throw .invalidArguments("price") }
        guard volume > 0 else { throw .invalidArguments("volume") }
        let trade = try state.withLock { state throws(KrakenSimulatorError) in
            guard let index = state.exchange.pairIndex(pair) else { throw .unknownPair }
            return state.exchange.publishMarketTrade(pair: index, price: price, volume: volume, side: side)
        }
        notify([trade])
    }

    /// Plays `fault` for the next `count` calls of private `method` (`AddOrder`) that pass authentication.
    public func injectFault(_ fault: KrakenSimulatorFault, method: String, count: Int = 1) {
        guard count > 0 else { return }
        state.withLock { $0.faults[method, default: []].append((fault, count)) }
    }

    /// Forgets every fault not yet played.
    public func clearFaults() {
        state.withLock { $0.faults = [:] }
    }

    /// Turns Kraken's per-key call counter on with `limit`, or off with nil; counters start again from 0.
    public func setRateLimit(_ limit: KrakenSimulatorRateLimit?) {
        state.withLock { state in
            state.rateLimit = limit
            for key in state.keys.keys {
                state.keys[key]?.counter = 0
                state.keys[key]?.counterUpdated = nil
            }
        }
    }

    // MARK: Inspection

    public var pairs: [KrakenSimulatedPair] { state.withLock { $0.exchange.pairs } }

    /// Every order placed, oldest first.
    public var orders: [KrakenSimulatedOrder] {
        state.withLock { state in state.exchange.orderSequence.compactMap { state.exchange.orders[$0] } }
    }

    /// The orders placed with `clientOrderID`, oldest first (several once earlier ones are closed).
    public func orders(clientOrderID: String) -> [KrakenSimulatedOrder] { orders.filter { $0.clientOrderID == clientOrderID } }

    /// The account's trades, oldest first.
    public var fills: [KrakenSimulatedFill] { state.withLock { $0.exchange.fills } }

    /// Total balances by Kraken asset name (`ZUSD`, `XXBT`).
    public var balances: [String: Decimal] { state.withLock { $0.exchange.balances } }

    /// The total balance of `asset`, by either name.
    public func balance(_ asset: String) -> Decimal { state.withLock { $0.exchange.balance(asset) } }

    /// AddOrder calls that placed an order (refused and `validate` calls are not counted).
    public var placedOrderCount: Int { state.withLock { $0.exchange.placedOrderCount } }

    // MARK: Answering

    /// The JSON answering public `method` with `form`'s parameters.
    func answerPublic(method: String, form: KrakenSimulatorForm) -> String {
        do throws(KrakenSimulatorError) {
            switch method {
            case "Time":
                let now = Date()
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "UTC")
                formatter.dateFormat = "EEE, dd MMM yy HH:mm:ss xx"
                return KrakenSimulatorJSON.success(
                    .object([
                        ("unixtime", KrakenSimulatorJSON.integer(Int(now.timeIntervalSince1970))),
                        ("rfc1123", .string(formatter.string(from: now))),
                    ]))
            case "AssetPairs":
                let pairs = try selectedPairs(form, required: false)
                return KrakenSimulatorJSON.success(.object(pairs.map { ($0.name, KrakenSimulatorJSON.assetPair($0)) }))
            case "Ticker":
                let tickers = try state.withLock { state throws(KrakenSimulatorError) in
                    try selectedPairIndices(form, exchange: state.exchange).map { index in
                        (state.exchange.pairs[index].name, state.exchange.ticker(pair: index))
                    }
                }
                return KrakenSimulatorJSON.success(.object(tickers))
            default:
                throw .unknownMethod
            }
        } catch {
            return KrakenSimulatorJSON.failure(error)
        }
    }

    private func selectedPairs(_ form: KrakenSimulatorForm, required: Bool) throws(KrakenSimulatorError) -> [KrakenSimulatedPair] {
        try state.withLock { state throws(KrakenSimulatorError) in
            try selectedPairIndices(form, exchange: state.exchange).map { state.exchange.pairs[$0] }
        }
    }

    /// The pairs `pair` lists (comma-separated); every pair when it is absent. One unknown name fails the call.
    private func selectedPairIndices(_ form: KrakenSimulatorForm, exchange: KrakenSimulatedExchange) throws(KrakenSimulatorError) -> [Int] {
        let names = form.list("pair")
        guard !names.isEmpty else { return Array(exchange.pairs.indices) }
        var indices: [Int] = []
        for name in names {
            guard let index = exchange.pairIndex(name) else { throw .unknownPair }
            if !indices.contains(index) { indices.append(index) }
        }
        return indices
    }

    /// Answers private `method` called at `path` with `API-Key` `apiKey`, `API-Sign` `signature` and the raw `body`:
    /// checks the key, the signature and the nonce as Kraken does, then the call counter, then plays a fault injected
    /// for the method, if any, or does the call.
    func answerPrivate(method: String, path: String, apiKey: String?, signature: String?, body: [UInt8]) async -> Answer {
        guard Self.privateMethods.contains(method) else { return .body(KrakenSimulatorJSON.failure(.unknownMethod)) }
        guard let form = KrakenSimulatorForm(body: body) else { return .body(KrakenSimulatorJSON.failure(.invalidArguments())) }
        let fault: KrakenSimulatorFault?
        do throws(KrakenSimulatorError) {
            fault = try admit(method: method, path: path, apiKey: apiKey, signature: signature, form: form, body: body)
        } catch {
            return .body(KrakenSimulatorJSON.failure(error))
        }
        switch fault {
        case nil:
            return .body(perform(method: method, form: form))
        case .error(let code)?:
            return .body(KrakenSimulatorJSON.failure(KrakenSimulatorError(code)))
        case .processThenStall(let hold)?:
            let answer = perform(method: method, form: form)
            await self.hold(hold)
            return .body(answer)
        case .processThenDrop?:
            _ = perform(method: method, form: form)
            return .drop
        case .stallWithoutProcessing(let hold)?:
            await self.hold(hold)
            return .drop
        }
    }

    /// Authenticates a private call and counts it; returns the fault to play for it, if one is waiting.
    private func admit(
        method: String, path: String, apiKey: String?, signature: String?, form: KrakenSimulatorForm, body: [UInt8]
    ) throws(KrakenSimulatorError) -> KrakenSimulatorFault? {
        try state.withLock { state throws(KrakenSimulatorError) in
            guard let apiKey, var key = state.keys[apiKey] else { throw .invalidKey }
            let nonceText = form["nonce"] ?? ""
            guard let signature,
                KrakenSimulatorSignature.isValid(signature, secret: key.secret, path: path, nonce: nonceText, body: body)
            else { throw .invalidSignature }
            guard let nonce = UInt64(nonceText), key.lastNonce.map({ nonce > $0 }) ?? true else { throw .invalidNonce }
            key.lastNonce = nonce
            defer { state.keys[apiKey] = key }
            if let limit = state.rateLimit {
                let now = ContinuousClock.now
                if let updated = key.counterUpdated {
                    let elapsed = (now - updated).components
                    let seconds =
                        Decimal(elapsed.seconds) + Decimal(elapsed.attoseconds) / Decimal(sign: .plus, exponent: 18, significand: 1)
                    key.counter = max(0, key.counter - seconds * limit.decayPerSecond)
                }
                key.counterUpdated = now
                let cost = KrakenSimulatorRateLimit.cost(of: method)
                guard key.counter + cost <= limit.maximum else { throw .rateLimitExceeded }
                key.counter += cost
            }
            guard var queue = state.faults[method], !queue.isEmpty else { return nil }
            let fault = queue[0].fault
            queue[0].remaining -= 1
            if queue[0].remaining == 0 { queue.removeFirst() }
            state.faults[method] = queue.isEmpty ? nil : queue
            return fault
        }
    }

    /// Does an authenticated private call and returns Kraken's answer.
    private func perform(method: String, form: KrakenSimulatorForm) -> String {
        do throws(KrakenSimulatorError) {
            let (result, trades) = try state.withLock { state throws(KrakenSimulatorError) -> (JSONValue, [KrakenSimulatedTrade]) in
                switch method {
                case "Balance": return (state.exchange.balanceResult(), [])
                case "BalanceEx": return (state.exchange.extendedBalanceResult(), [])
                case "AddOrder": return try state.exchange.addOrder(form)
                case "CancelOrder": return (try state.exchange.cancelOrder(form), [])
                case "QueryOrders": return (try state.exchange.queryOrders(form), [])
                case "OpenOrders": return (try state.exchange.openOrders(form), [])
                case "ClosedOrders": return (try state.exchange.closedOrders(form), [])
                case "TradesHistory": return (try state.exchange.tradesHistory(form), [])
                default: throw .unknownMethod
                }
            }
            notify(trades)
            return KrakenSimulatorJSON.success(result)
        } catch {
            return KrakenSimulatorJSON.failure(error)
        }
    }

    /// Waits `duration`, or less when the simulator stops, so that a held answer never keeps a server from stopping.
    private func hold(_ duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline, !Task.isCancelled, !state.withLock({ $0.isStopping }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: Serving

    /// Serves Kraken's REST API and the control routes on `host`:`port` (0: a port the kernel picks) until the task
    /// is cancelled, publishing a random-walk market trade per pair every `marketTradeInterval` when one is given;
    /// `onListening` gets the port once connections are accepted.
    public func run(
        host: String = "127.0.0.1", port: Int = 0, marketTradeInterval: Duration? = nil,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        state.withLock { $0.isStopping = false }
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await KrakenSimulatorServer(simulator: self).run(host: host, port: port, onListening: onListening) }
                if let marketTradeInterval {
                    group.addTask {
                        while true {
                            try await Task.sleep(for: marketTradeInterval)
                            self.publishRandomWalkTrades()
                        }
                    }
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } onCancel: {
            state.withLock { $0.isStopping = true }
        }
    }

    /// Serves on 127.0.0.1 for the length of `body`, which gets the base URL (`http://127.0.0.1:PORT`), and stops
    /// the server before returning.
    public func withRunning<Value: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> Value) async throws -> Value {
        let running = try await start()
        do {
            let value = try await body(running.baseURL)
            await running.stop()
            return value
        } catch {
            await running.stop()
            throw error
        }
    }

    /// Starts serving on `host`:`port` in the background; the caller stops it with `stop()` on the result.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> KrakenSimulatorRunning {
        let listening = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { listening.continuation.finish() }
            try await self.run(host: host, port: port) { listening.continuation.yield($0) }
        }
        for await boundPort in listening.stream {
            return KrakenSimulatorRunning(baseURL: "http://\(host):\(boundPort)", task: task)
        }
        // The server stopped before listening: its error says why.
        try await task.value
        throw CancellationError()
    }

    /// One market trade per pair, a few basis points from the last price and a few order minimums in size, so that
    /// prices and candles move in a development stack.
    func publishRandomWalkTrades() {
        var generator = SystemRandomNumberGenerator()
        for pair in pairs {
            let step = Decimal(Int.random(in: -20...20, using: &generator)) / 10_000
            let tick = Decimal(sign: .plus, exponent: -pair.pairDecimals, significand: 1)
            let price = max(tick, (pair.lastPrice * (1 + step)).rounded(.plain, places: pair.pairDecimals))
            let volume = pair.orderMinimum * Decimal(Int.random(in: 1...50, using: &generator))
            let side: OrderSide = Bool.random(using: &generator) ? .buy : .sell
            try? publishMarketTrade(pair: pair.name, price: price, volume: volume, side: side)
        }
    }
}
