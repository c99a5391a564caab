import ArgumentParser
import BallastCore
import BallastVenues
import Foundation

struct VenueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "venue",
        abstract: "Exchanges Ballast trades on: serve a simulated one to try Ballast against without the internet.",
        subcommands: [Simulate.self]
    )

    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve a simulated exchange over its real API until stopped (Ctrl-C).",
            discussion: """
                kraken serves Kraken's spot REST API (public AssetPairs, Ticker, Time; signed private Balance, BalanceEx, \
                AddOrder, CancelOrder, QueryOrders, OpenOrders, ClosedOrders, TradesHistory) with Kraken's checks and \
                errors, and its WebSocket v2 trade channel on --ws-port at /v2. It lists XXBTZUSD, XETHZUSD and SOLUSD at \
                60000, 3000 and 150 USD; market orders fill at the last price, limit orders rest until a market trade \
                reaches them. API credentials come from --credentials-file (lines api_key=... and api_secret=..., the file \
                `ballast account create --venue kraken --api-key-file FILE` reads); when it does not exist a new key pair \
                is written there (mode 0600). Unauthenticated control routes drive it, e.g. \
                curl -d pair=XBTUSD -d price=59000 -d volume=1 -d side=sell http://HOST:PORT/ballast/market-trade; \
                the others are /ballast/balance, /ballast/price, /ballast/fault, /ballast/faults/clear, \
                /ballast/rate-limit and GET /ballast/state. Everything is in memory and lost on exit.
                """
        )

        @Argument(help: "The exchange to simulate: kraken.")
        var venue: String

        @Option(help: "Address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "Port of the REST API (0: any free port).")
        var port = 8090

        @Option(name: .customLong("ws-port"), help: "Port of the WebSocket API (0: any free port).")
        var webSocketPort = 8091

        @Option(
            name: .customLong("credentials-file"),
            help: "File with the accepted api_key and api_secret; created with a new key pair when missing.")
        var credentialsFile = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-kraken-simulator.credentials").path

        @Option(
            name: .customLong("balance"), parsing: .singleValue,
            help: "An opening balance, ASSET=AMOUNT (USD=100000, BTC=1); repeatable. Default: USD=100000.")
        var balances: [String] = []

        @Option(
            name: .customLong("market-trades-every"),
            help: "Publish a random-walk market trade per pair every this many whole seconds (default: only on demand).")
        var marketTradesEvery: Int?

        func validate() throws {
            guard venue == "kraken" else { throw ValidationError("the only simulated venue is kraken, got '\(venue)'") }
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
            guard (0...65_535).contains(webSocketPort) else {
                throw ValidationError("--ws-port must be from 0 to 65535, got \(webSocketPort)")
            }
            guard port == 0 || port != webSocketPort else { throw ValidationError("--port and --ws-port must differ") }
            _ = try openingBalances()
            if let marketTradesEvery, !(1...86_400).contains(marketTradesEvery) {
                throw ValidationError("--market-trades-every must be 1 to 86400 seconds, got \(marketTradesEvery)")
            }
        }

        /// The `--balance` options as amounts by asset; USD 100000 when none is given.
        func openingBalances() throws -> [String: Decimal] {
            guard !balances.isEmpty else { return ["USD": 100_000] }
            var result: [String: Decimal] = [:]
            for text in balances {
                let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, let amount = ExactDecimal.parse(parts[1]), amount >= 0 else {
                    throw ValidationError("--balance must be ASSET=AMOUNT with a non-negative amount (USD=100000), got '\(text)'")
                }
                result[parts[0].uppercased()] = amount
            }
            return result
        }

        func run() async throws {
            let credential = try loadCredential()
            let simulator = KrakenSimulator(credentials: [credential], balances: try openingBalances())
            let webSocket = KrakenWebSocketSimulator()
            webSocket.follow(simulator)
            let (host, port, webSocketPort) = (self.host, self.port, self.webSocketPort)
            let interval = marketTradesEvery.map { Duration.seconds($0) }
            let restBound = AsyncStream<Int>.makeStream()
            let webSocketBound = AsyncStream<Int>.makeStream()
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await simulator.run(host: host, port: port, marketTradeInterval: interval) { restBound.continuation.yield($0) }
                    }
                    group.addTask {
                        try await webSocket.run(host: host, port: webSocketPort) { webSocketBound.continuation.yield($0) }
                    }
                    // Both servers must accept connections before scripts are told so.
                    group.addTask {
                        guard let rest = await restBound.stream.first(where: { _ in true }),
                            let socket = await webSocketBound.stream.first(where: { _ in true })
                        else { return }
                        // Unbuffered: scripts wait for this line through a pipe, where print's output stays in a buffer.
                        let line = "simulated kraken on http://\(host):\(rest) (websocket ws://\(host):\(socket)/v2); Ctrl-C stops\n"
                        FileHandle.standardOutput.write(Data(line.utf8))
                        while true { try await Task.sleep(for: .seconds(3_600)) }
                    }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            } catch {
                throw CommandFailure.exit("cannot serve on \(host) ports \(port) and \(webSocketPort): \(error)", code: 1)
            }
        }

        /// The key pair in `--credentials-file`, or a new one written there (its path told on standard error, never
        /// the secret).
        private func loadCredential() throws -> KrakenSimulatorCredential {
            do {
                guard FileManager.default.fileExists(atPath: credentialsFile) else {
                    let credential = KrakenSimulatorCredential.random()
                    try credential.write(to: credentialsFile)
                    FileHandle.standardError.write(
                        Data("ballast: wrote a new Kraken API key pair to \(credentialsFile) (mode 0600)\n".utf8))
                    return credential
                }
                return try KrakenSimulatorCredential.read(from: credentialsFile)
            } catch {
                throw CommandFailure.exit("\(error)", code: 2)
            }
        }
    }
}
