import BallastCore
import BallastRedis
import Foundation
import Logging

/// The issue's scenario against one server: `subscribersPerSymbol` connections on each symbol's `@trade` stream,
/// trades published onto `ballast:trades` at `rate` for `seconds`, every frame timed from its trade's publish. Prints
/// `name value` lines that scripts/bench/websocket puts side by side.
struct Scenario {
    let options: ScenarioOptions
    let logger: Logger

    /// How long frames may keep arriving after the last trade was published before missing ones count as lost.
    static let drainTimeout: Duration = .seconds(5)

    func run() async throws -> [String] {
        let endpoint: RedisEndpoint
        do {
            endpoint = try RedisEndpoint(url: options.redisURL, variable: "--redis")
        } catch {
            throw ScenarioError("\(error)")
        }
        let redis = RedisClient(endpoint: endpoint, poolSize: 2, commandTimeout: .seconds(10))
        let firstTradeID = UInt64(Date().epochMilliseconds) * 1_000
        var publisher = TradePublisher(
            producer: StreamProducer(client: redis, maxLength: 1_000_000), symbols: options.symbols, firstTradeID: firstTradeID)
        let symbolCount = options.symbols.count

        // One trade per symbol first, so that a server which knows symbols from the trades it has seen knows these.
        _ = try await publisher.publish(count: symbolCount, rate: 1_000)
        try await Task.sleep(for: .seconds(1))

        let watcher = Task {
            guard options.watchesMarketStreams else { return MarketStreamWatcher.Sightings() }
            let connection = redis.makeDedicatedConnection(name: "bench-market-streams", commandTimeout: .seconds(5))
            return await MarketStreamWatcher(connection: connection, symbols: options.symbols).watch()
        }
        let urls = (0..<(symbolCount * options.subscribersPerSymbol)).map { index in
            (symbolIndex: index % symbolCount, url: "\(options.url)/ws/\(options.symbols[index % symbolCount].lowercased())@trade")
        }
        let fleet = SubscriberFleet(urls: urls, logger: logger)
        let framesPerSubscriber = options.trades / symbolCount + 2 * options.rate
        let subscribers = Task { await fleet.run(expectedFrames: framesPerSubscriber) }
        defer {
            subscribers.cancel()
            watcher.cancel()
        }

        let connectStart = ContinuousClock.now
        while fleet.connected.load(ordering: .relaxed) + fleet.ended.load(ordering: .relaxed) < urls.count {
            guard ContinuousClock.now - connectStart < .seconds(120) else { throw ScenarioError("connections still opening after 120 s") }
            try await Task.sleep(for: .milliseconds(50))
        }
        let connectSeconds = (ContinuousClock.now - connectStart).inSeconds
        let connected = fleet.connected.load(ordering: .relaxed)
        guard connected > 0 else {
            fleet.stop()
            subscribers.cancel()
            let reasons = Set(await subscribers.value.map { "\($0.ending)" }).sorted().prefix(3)
            throw ScenarioError("no subscriber could connect to \(options.url): \(reasons.joined(separator: "; "))")
        }

        // Warm-up at the same rate until every connected subscriber has a trade: the server is then reading every
        // stream, and the measured window starts in the steady state.
        let warmup = try await publisher.publish(count: 20 * options.rate, rate: options.rate) {
            fleet.receiving.load(ordering: .relaxed) >= fleet.connected.load(ordering: .relaxed)
        }
        let receivingAfterWarmup = fleet.receiving.load(ordering: .relaxed)

        let measuredFromID = warmup.firstID + UInt64(warmup.sentAt.count)
        fleet.measuredFromID.store(measuredFromID, ordering: .sequentiallyConsistent)
        let cpuBefore = options.processes.map { $0.microseconds() }
        let clientBefore = ProcessCPU.ownMicroseconds()
        let cpuWindowStart = ContinuousClock.now
        let measured = try await publisher.publish(count: options.trades, rate: options.rate)
        precondition(measured.firstID == measuredFromID, "the measured trades follow the warm-up's")
        let publishedAt = ContinuousClock.now
        let expectedFrames = measured.sentAt.count * options.subscribersPerSymbol
        while fleet.measuredFrames.load(ordering: .relaxed) < expectedFrames, ContinuousClock.now - publishedAt < Self.drainTimeout,
            fleet.ended.load(ordering: .relaxed) < urls.count
        {
            try await Task.sleep(for: .milliseconds(5))
        }
        let cpuAfter = options.processes.map { $0.microseconds() }
        let clientAfter = ProcessCPU.ownMicroseconds()
        let cpuWindow = (ContinuousClock.now - cpuWindowStart).inSeconds

        fleet.stop()
        subscribers.cancel()
        watcher.cancel()
        let seen = await subscribers.value
        let entries = await watcher.value

        var lines = [
            "machine_cores \(ProcessInfo.processInfo.activeProcessorCount)",
            "subscribers \(urls.count)",
            "subscribers_connected \(connected) (in \(String(format: "%.1f", connectSeconds)) s)",
            "subscribers_receiving_after_warmup \(receivingAfterWarmup) (after \(warmup.sentAt.count) warm-up trades)",
        ]
        let analysis = RunAnalysis(
            subscribers: seen, publishes: measured, symbolCount: symbolCount, firstSymbolTradeID: firstTradeID + 1,
            marketEntries: entries.seenAt)
        lines += analysis.lines(expectedFrames: expectedFrames, rate: options.rate)
        if options.watchesMarketStreams { lines.append("market_stream_entries_out_of_order \(entries.outOfOrder)") }
        let frames = max(1, analysis.delivered)
        lines.append("cpu_window_seconds \(String(format: "%.1f", cpuWindow))")
        for (index, process) in options.processes.enumerated() {
            let used = cpuAfter[index] - cpuBefore[index]
            lines.append(
                "cpu_us_per_frame_\(process.name) \(String(format: "%.2f", Double(used) / Double(frames))) "
                    + "(\(String(format: "%.0f", Double(used) / 1e4 / cpuWindow)) % of a core)")
        }
        let client = clientAfter - clientBefore
        lines.append(
            "cpu_us_per_frame_load_client \(String(format: "%.2f", Double(client) / Double(frames))) "
                + "(\(String(format: "%.0f", Double(client) / 1e4 / cpuWindow)) % of a core)")
        return lines
    }
}
