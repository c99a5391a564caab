import Foundation

/// What the subscribers saw of the measured trades: delivered, lost, duplicated or out of order frames, latency from
/// publish to frame (split at market-data's stream entry when it was watched), and who was cut off.
struct RunAnalysis {
    private(set) var delivered = 0
    private(set) var duplicated = 0
    private(set) var outOfOrder = 0
    private(set) var wrongSymbol = 0
    /// Subscribers still missing frames of their symbol when the drain ended.
    private(set) var behind = 0
    /// Closes and failures before the end of the run, by code or error.
    private(set) var disconnections: [String: Int] = [:]
    private(set) var windowSeconds = 0.0
    private let total: LatencyDistribution
    private let marketStage: LatencyDistribution
    private let ingestStage: LatencyDistribution

    /// `firstSymbolTradeID`: the id of the first trade ever published by this run, which went to symbol 0 (the
    /// publisher gives symbols their trades in turn).
    init(
        subscribers: [SubscriberFleet.Subscriber], publishes: TradePublisher.Batch, symbolCount: Int, firstSymbolTradeID: UInt64,
        marketEntries: [UInt64: UInt64]
    ) {
        let trades = publishes.sentAt.count
        let firstID = publishes.firstID
        func symbol(of id: UInt64) -> Int { Int((id - firstSymbolTradeID) % UInt64(symbolCount)) }
        var tradesPerSymbol = [Int](repeating: 0, count: symbolCount)
        for offset in 0..<trades { tradesPerSymbol[symbol(of: firstID + UInt64(offset))] += 1 }

        var latencies: [UInt64] = []
        var ingestLatencies: [UInt64] = []
        latencies.reserveCapacity(trades * max(1, subscribers.count / symbolCount))
        var lastReceived: UInt64 = 0
        var seen = [Bool](repeating: false, count: trades)
        for subscriber in subscribers {
            switch subscriber.ending {
            case .stopped: break
            case .closedByServer(let code, let reason): disconnections["closed \(code) \(reason)", default: 0] += 1
            case .failed(let error): disconnections["failed: \(error)", default: 0] += 1
            }
            for index in seen.indices { seen[index] = false }
            var distinct = 0
            var previous: UInt64 = 0
            for sample in subscriber.samples where sample.tradeID >= firstID {
                let offset = Int(sample.tradeID - firstID)
                guard offset < trades else { continue }
                guard symbol(of: sample.tradeID) == subscriber.symbolIndex else {
                    wrongSymbol += 1
                    continue
                }
                if sample.tradeID < previous { outOfOrder += 1 }
                previous = max(previous, sample.tradeID)
                guard !seen[offset] else {
                    duplicated += 1
                    continue
                }
                seen[offset] = true
                distinct += 1
                let sentAt = publishes.sentAt[offset]
                latencies.append(sample.receivedAt &- sentAt)
                lastReceived = max(lastReceived, sample.receivedAt)
                // The bench's own XREAD can wake after ingest's: such a frame counts as 0 in ingest's stage.
                if let entryAt = marketEntries[sample.tradeID] {
                    ingestLatencies.append(sample.receivedAt > entryAt ? sample.receivedAt - entryAt : 0)
                }
            }
            delivered += distinct
            if distinct < tradesPerSymbol[subscriber.symbolIndex] { behind += 1 }
        }
        var marketLatencies: [UInt64] = []
        for offset in 0..<trades {
            if let entryAt = marketEntries[firstID + UInt64(offset)] { marketLatencies.append(entryAt - publishes.sentAt[offset]) }
        }
        total = LatencyDistribution(latencies)
        marketStage = LatencyDistribution(marketLatencies)
        ingestStage = LatencyDistribution(ingestLatencies)
        if let first = publishes.sentAt.first, lastReceived > first { windowSeconds = Double(lastReceived - first) / 1e9 }
    }

    func lines(expectedFrames: Int, rate: Int) -> [String] {
        var lines = [
            "frames_expected \(expectedFrames)",
            "frames_delivered \(delivered)",
            "frames_lost \(expectedFrames - delivered)",
            "frames_duplicated \(duplicated)",
            "frames_out_of_order \(outOfOrder)",
            "frames_wrong_symbol \(wrongSymbol)",
            "frames_per_second \(windowSeconds > 0 ? Int(Double(delivered) / windowSeconds) : 0) (offered \(rate) trades/s)",
        ]
        lines += total.lines("latency")
        if marketStage.count > 0 {
            lines += marketStage.lines("stage_market_data")
            lines += ingestStage.lines("stage_ingest")
        }
        lines.append("subscribers_behind \(behind)")
        lines.append("subscribers_disconnected \(disconnections.values.reduce(0, +))")
        for (reason, count) in disconnections.sorted(by: { $0.value > $1.value }).prefix(5) {
            lines.append("disconnect_reason \(count)x \(reason.replacingOccurrences(of: "\n", with: " "))")
        }
        return lines
    }
}
