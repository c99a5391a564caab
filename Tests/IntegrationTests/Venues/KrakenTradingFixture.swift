import BallastCore
import BallastRedis
import BallastVenues
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading

/// A Kraken account of a fresh user on a fresh database, trading against a simulated Kraken over loopback HTTP: a
/// market of the test's own (Redis and the simulator's pairs are per test), the signal executor and the dispatcher.
struct KrakenTradingFixture {
    let paper: PaperTradingFixture
    let simulator: KrakenSimulator
    let exchanges: ExchangeVenues
    let dispatcher: VenueOrderDispatcher
    let reconciler: VenueBalanceReconciler
    /// The simulator's name of the test's pair (`<BASE>USD`), for its controls.
    let pair: String

    var database: PostgresClient { paper.database }
    var symbol: String { paper.symbol }
    var base: String { String(symbol.prefix { $0 != "-" }) }

    static let settings = VenueDispatchSettings(
        pollInterval: .milliseconds(20), fillCheckInterval: .zero, restingCheckInterval: .milliseconds(100),
        firstBackoff: .milliseconds(50), maximumBackoff: .milliseconds(200),
        maximumAttempts: 3, lookupGrace: .seconds(2))

    static func with(
        usd: Decimal = 100_000, timeout: Duration = .seconds(5), wrongSecret: Bool = false,
        _ body: @Sendable (KrakenTradingFixture) async throws -> Void
    ) async throws {
        try await PaperTradingFixture.with(account: false) { paper in
            let base = String(paper.symbol.prefix { $0 != "-" })
            let pair = KrakenSimulatedPair(
                name: "\(base)USD", altname: "\(base)USD", wsname: "\(base)/USD", symbol: "\(base)/USD", base: base, quote: "ZUSD",
                pairDecimals: 1, lotDecimals: 8, orderMinimum: dec("0.0001"), costMinimum: dec("0.5"), lastPrice: 50_000)
            let credential = KrakenSimulatorCredential.random()
            let simulator = KrakenSimulator(
                pairs: [pair], credentials: [credential], balances: ["USD": usd], splitFillsFromCost: nil)
            let running = try await simulator.start()
            do {
                let secrets = try SecretsKey(base64: Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString())
                let exchanges = ExchangeVenues(krakenURL: running.baseURL, secrets: secrets, timeout: timeout)
                let key = credential.apiKey
                let secret = wrongSecret ? KrakenSimulatorCredential.random().secret : credential.secret
                let balances = try await exchanges.open(.kraken, apiKey: key, secret: credential.secret, logger: TestServers.logger)
                    .balances()
                let id = UUID()
                let context = id.uuidString.lowercased()
                _ = try await paper.accounts.create(
                    user: paper.userName, quoteCurrency: "USD", startingCash: 0,
                    pricing: ExecutionPricing(takerFeeBps: 40, makerFeeBps: 25, slippageBps: 5),
                    exchange: (
                        id, .kraken,
                        SealedCredentials(
                            apiKey: try secrets.seal(key, context: context), secret: try secrets.seal(secret, context: context),
                            keyHint: "…test"),
                        balances
                    ))
                let connections = exchanges.connections(logger: TestServers.logger)
                let fixture = KrakenTradingFixture(
                    paper: paper, simulator: simulator, exchanges: exchanges,
                    dispatcher: VenueOrderDispatcher(
                        database: paper.database, redis: paper.redis, connections: connections, settings: settings,
                        logger: TestServers.logger),
                    reconciler: VenueBalanceReconciler(database: paper.database, connections: connections, logger: TestServers.logger),
                    pair: pair.name)
                try await body(fixture)
                await running.stop()
            } catch {
                await running.stop()
                throw error
            }
        }
    }

    /// Dispatches until `done` holds, at most `rounds` times (a round waits for anything scheduled a little later).
    func dispatch(rounds: Int = 150, until done: @Sendable () async throws -> Bool) async throws {
        for _ in 0..<rounds {
            try await dispatcher.dispatchDue()
            if try await done() { return }
            try await Task.sleep(for: .milliseconds(60))
        }
        Issue.record("the dispatcher did not get there in \(rounds) rounds")
    }

    /// The order `signal` became; the test fails when it became none.
    func order(_ signal: SignalDocument) async throws -> UUID {
        let outcome = try await paper.executor.execute(signal)
        guard case .ordered(let orderID, _) = outcome else { throw TestSetupError("expected an order, got \(outcome)") }
        return orderID
    }

    func venueState(of order: UUID) async throws -> String? {
        try await paper.strings("SELECT state FROM venue_orders WHERE order_id = \(order)").first
    }

    func orderStatus(_ order: UUID) async throws -> String? {
        try await paper.strings("SELECT status FROM orders WHERE id = \(order)").first
    }
}
