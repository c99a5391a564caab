import BallastRedis

/// Reads market-data's per-symbol live streams (`ballast:market:<SYMBOL>`) as an ingest instance does, so that the time
/// from publish to frame splits into market-data's part (publish → entry) and ingest's (entry → frame).
struct MarketStreamWatcher {
    let connection: RedisConnection
    let symbols: [String]

    static func streamKey(of symbol: String) -> String { "ballast:market:\(symbol)" }

    /// Reads from the streams' current ends until the task is cancelled; returns when each trade id was seen.
    func watch() async -> [UInt64: UInt64] {
        var seen: [UInt64: UInt64] = [:]
        // "$" in each call would skip what arrived on the other streams between two reads: start from each stream's
        // last entry once, then from what was read.
        var positions: [String] = []
        for symbol in symbols {
            let last = try? await connection.send(RedisCommand("XREVRANGE", Self.streamKey(of: symbol), "+", "-", "COUNT", "1"))
            positions.append(last?.array?.first?.array?.first?.string ?? "0-0")
        }
        while !Task.isCancelled {
            var command = RedisCommand("XREAD", "COUNT", "1000", "BLOCK", "200", "STREAMS")
            command.append(contentsOf: symbols.map(Self.streamKey))
            command.append(contentsOf: positions)
            guard let reply = try? await connection.send(command), let streams = reply.array else { continue }
            let now = MonotonicClock.nanoseconds()
            for stream in streams {
                guard let parts = stream.array, parts.count == 2, let key = parts[0].string,
                    let index = symbols.firstIndex(where: { Self.streamKey(of: $0) == key }), let entries = parts[1].array
                else { continue }
                for entry in entries {
                    guard let entryParts = entry.array, entryParts.count == 2, let id = entryParts[0].string else { continue }
                    positions[index] = id
                    // An entry holds a committed batch: (stream suffix, payload) pairs, the trades under `trade`.
                    let fields = entryParts[1].array ?? []
                    for name in stride(from: 0, to: fields.count - 1, by: 2) where fields[name].string == "trade" {
                        if let text = fields[name + 1].string, let tradeID = TradeIDScanner.tradeID(inText: text) { seen[tradeID] = now }
                    }
                }
            }
        }
        return seen
    }
}
