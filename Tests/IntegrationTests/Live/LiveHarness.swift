import AsyncHTTPClient
import BallastCore
import BallastMarket
import BallastRedis
import BallastTestSupport
import BallastUsers
import BallastWebhooks
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import PostgresNIO
import ServiceLifecycle

@testable import Ingest

/// Ingest's HTTP and WebSocket server with its live feed, on a free port of this process, as `Ingest.buildServices`
/// assembles them; `redis` may be a test's own server.
enum LiveHarness {
    struct Instance: Sendable {
        let port: Int
        let live: LiveStreams
        let group: ServiceGroup

        /// Stops the instance as SIGTERM does.
        func stop() async { await group.triggerGracefulShutdown() }

        func url(_ path: String) -> String { "ws://127.0.0.1:\(port)\(path)" }
    }

    static func running<Value: Sendable>(
        _ database: PostgresClient, redis: RedisEndpoint? = nil, environment: [String: String] = [:],
        _ body: @Sendable (Instance) async throws -> Value
    ) async throws -> Value {
        let redisClient = RedisClient(endpoint: try redis ?? TestServers.redis, commandTimeout: .seconds(2))
        let configuration = try IngestConfiguration(environment: EnvironmentReader(environment))
        let live = LiveStreams(
            redis: redisClient, database: database, settings: configuration.live, symbols: configuration.symbols,
            logger: TestServers.logger)
        let settings = try WebhookSettings(environment: EnvironmentReader(["BALLAST_ALLOW_PRIVATE_TARGETS": "1"]))
        let router = Ingest.router(
            database: database, redis: redisClient, configuration: configuration, webhookSettings: settings,
            webhookSender: WebhookSender(httpClient: .shared, settings: settings), live: live, logger: TestServers.logger)
        let port = try freePort()
        let application = Application(
            router: router,
            server: .http1WebSocketUpgrade(configuration: .init(ws: live.serverConfiguration), shouldUpgrade: live.shouldUpgrade),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            logger: TestServers.logger
        )
        // In the order `Ingest.buildServices` gives them: the feed stops first.
        let services = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: application), .init(service: live.feed(redis: redisClient))], gracefulShutdownSignals: [],
                cancellationSignals: [], logger: TestServers.logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            let result: Result<Value, any Error>
            do {
                let up = await eventually(timeout: .seconds(10)) {
                    (try? await HTTPClient.shared.get(url: "http://127.0.0.1:\(port)/openapi.json").get().status) == .ok
                }
                guard up else { throw TestSetupError("ingest did not start on port \(port)") }
                result = .success(try await body(Instance(port: port, live: live, group: services)))
            } catch {
                result = .failure(error)
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    /// A symbol of this test's own that market-data "knows" (a `market_symbols` row), so streams of it can be served.
    static func knownSymbol(in database: PostgresClient) async throws -> String {
        let symbol = "L\(UUID().uuidString.prefix(6).uppercased())-USD"
        try await database.query("INSERT INTO market_symbols (symbol) VALUES (\(symbol))", logger: TestServers.logger)
        return symbol
    }

    /// Appends one live entry to `ballast:market:<symbol>`, as market-data does after a batch.
    static func publish(_ fields: [(String, String)], symbol: String, redis: RedisClient) async throws {
        var command = RedisCommand("XADD", MarketKeys.liveStream(symbol), "*")
        for (name, value) in fields { command.append(contentsOf: [name, value]) }
        try await redis.send(command).checked()
    }

    /// A `trade` payload with id `id`.
    static func tradePayload(_ symbol: String, id: Int) -> String {
        "{\"e\":\"trade\",\"E\":1,\"s\":\"\(symbol)\",\"t\":\(id),\"p\":\"100.5\",\"q\":\"0.1\",\"T\":1,\"m\":false,\"M\":true}"
    }
}
