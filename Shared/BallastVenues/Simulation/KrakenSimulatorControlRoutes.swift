import BallastCore
import BallastTrading
import Foundation
import Hummingbird

/// Unauthenticated routes that drive a running simulated Kraken from scripts and demos (`curl`), under `/ballast/`,
/// a path real Kraken never serves. Parameters come form-encoded or as a JSON object; answers use Kraken's envelope.
///
/// - `POST /ballast/balance` `asset`, `amount`: sets a balance.
/// - `POST /ballast/price` `pair`, `price`: sets a pair's last price.
/// - `POST /ballast/market-trade` `pair`, `price`, `volume`, `side` (buy): a trade by others (fills resting orders).
/// - `POST /ballast/fault` `method`, `mode` (`error`, `process_then_stall`, `process_then_drop`,
///   `stall_without_processing`), `error` (the Kraken error string, for `error`), `count` (1), `hold_seconds` (30).
/// - `POST /ballast/faults/clear`: forgets faults not yet played.
/// - `POST /ballast/rate-limit` `tier` (`starter`, `intermediate`, `pro`, `off`), or `maximum` and `decay_per_second`.
/// - `GET /ballast/state`: balances, orders, trades and the number of placed orders.
struct KrakenSimulatorControlRoutes {
    let simulator: KrakenSimulator

    func addRoutes(to group: RouterGroup<KrakenSimulatorRequestContext>) {
        let simulator = self.simulator
        group.post("balance") { request, _ in
            await Self.answer(request) { form throws(KrakenSimulatorError) in
                guard let asset = form["asset"], !asset.isEmpty else { throw .invalidArguments("asset") }
                let amount = try Self.decimal(form, "amount")
                simulator.setBalance(amount, asset: asset)
                return .object([("balance", .string("\(simulator.balance(asset))"))])
            }
        }
        group.post("price") { request, _ in
            await Self.answer(request) { form throws(KrakenSimulatorError) in
                try simulator.setLastPrice(try Self.decimal(form, "price"), pair: form["pair"] ?? "")
                return .object([])
            }
        }
        group.post("market-trade") { request, _ in
            await Self.answer(request) { form throws(KrakenSimulatorError) in
                guard let side = OrderSide(rawValue: form["side"] ?? "buy") else { throw .invalidArguments("side") }
                try simulator.publishMarketTrade(
                    pair: form["pair"] ?? "", price: try Self.decimal(form, "price"), volume: try Self.decimal(form, "volume"), side: side)
                return .object([])
            }
        }
        group.post("fault") { request, _ in
            await Self.answer(request) { form throws(KrakenSimulatorError) in
                guard let method = form["method"], KrakenSimulator.privateMethods.contains(method) else {
                    throw .invalidArguments("method")
                }
                guard let count = Int(form["count"] ?? "1"), count >= 1 else { throw .invalidArguments("count") }
                guard let holdSeconds = Int(form["hold_seconds"] ?? "30"), holdSeconds >= 0 else { throw .invalidArguments("hold_seconds") }
                let hold = Duration.seconds(holdSeconds)
                let fault: KrakenSimulatorFault
                switch form["mode"] {
                case "error":
                    guard let code = form["error"], code.hasPrefix("E") else { throw .invalidArguments("error") }
                    fault = .error(code)
                case "process_then_stall": fault = .processThenStall(hold: hold)
                case "process_then_drop": fault = .processThenDrop
                case "stall_without_processing": fault = .stallWithoutProcessing(hold: hold)
                default: throw .invalidArguments("mode")
                }
                simulator.injectFault(fault, method: method, count: count)
                return .object([])
            }
        }
        group.post("faults/clear") { request, _ in
            await Self.answer(request) { _ throws(KrakenSimulatorError) in
                simulator.clearFaults()
                return .object([])
            }
        }
        group.post("rate-limit") { request, _ in
            await Self.answer(request) { form throws(KrakenSimulatorError) in
                switch form["tier"] {
                case "starter": simulator.setRateLimit(.starter)
                case "intermediate": simulator.setRateLimit(.intermediate)
                case "pro": simulator.setRateLimit(.pro)
                case "off": simulator.setRateLimit(nil)
                case nil:
                    simulator.setRateLimit(
                        KrakenSimulatorRateLimit(
                            maximum: try Self.decimal(form, "maximum"), decayPerSecond: try Self.decimal(form, "decay_per_second")))
                default: throw .invalidArguments("tier")
                }
                return .object([])
            }
        }
        group.get("state") { _, _ in
            KrakenSimulatorServer.json(KrakenSimulatorJSON.success(Self.state(of: simulator)))
        }
    }

    private static func answer(
        _ request: Request, _ action: (KrakenSimulatorForm) throws(KrakenSimulatorError) -> JSONValue
    ) async -> Response {
        let body = await KrakenSimulatorServer.body(of: request)
        let form = body.flatMap { $0.isEmpty ? KrakenSimulatorForm(urlEncoded: request.uri.query ?? "") : KrakenSimulatorForm(body: $0) }
        guard let form else { return KrakenSimulatorServer.json(KrakenSimulatorJSON.failure(.invalidArguments())) }
        do throws(KrakenSimulatorError) {
            return KrakenSimulatorServer.json(KrakenSimulatorJSON.success(try action(form)))
        } catch {
            return KrakenSimulatorServer.json(KrakenSimulatorJSON.failure(error))
        }
    }

    private static func decimal(_ form: KrakenSimulatorForm, _ name: String) throws(KrakenSimulatorError) -> Decimal {
        guard let value = form[name].flatMap(ExactDecimal.parse), value >= 0 else { throw .invalidArguments(name) }
        return value
    }

    /// What a demo or script needs to see: amounts as exact strings, orders and trades oldest first.
    private static func state(of simulator: KrakenSimulator) -> JSONValue {
        let balances = simulator.balances.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string("\($0.value)")) }
        let orders: [JSONValue] = simulator.orders.map { order in
            .object([
                ("txid", .string(order.txid)),
                ("cl_ord_id", order.clientOrderID.map { .string($0) } ?? .null),
                ("pair", .string(order.pair)),
                ("type", .string(order.side.rawValue)),
                ("ordertype", .string(order.type.rawValue)),
                ("status", .string(order.status.rawValue)),
                ("vol", .string("\(order.volume)")),
                ("vol_exec", .string("\(order.executedVolume)")),
                ("price", order.limitPrice.map { .string("\($0)") } ?? .null),
            ])
        }
        let trades: [JSONValue] = simulator.fills.map { fill in
            .object([
                ("txid", .string(fill.txid)),
                ("ordertxid", .string(fill.orderTxid)),
                ("pair", .string(fill.pair)),
                ("type", .string(fill.side.rawValue)),
                ("price", .string("\(fill.price)")),
                ("vol", .string("\(fill.volume)")),
                ("cost", .string("\(fill.cost)")),
                ("fee", .string("\(fill.fee)")),
                ("maker", .bool(fill.isMaker)),
            ])
        }
        return .object([
            ("balances", .object(balances)),
            ("orders", .array(orders)),
            ("trades", .array(trades)),
            ("placed_order_count", KrakenSimulatorJSON.integer(simulator.placedOrderCount)),
        ])
    }
}
