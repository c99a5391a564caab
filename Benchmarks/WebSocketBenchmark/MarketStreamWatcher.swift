import BallastRedis

/// Reads market-data's per-symbol live streams (`ballast:market:<SYMBOL>`) as an ingest instance does, so that the time
/// from publish to frame splits into market-data's part (publish → entry) and ingest's (entry → frame).
struct MarketStreamWatcher {
    let connection: RedisConnection
    let symbols: [String]

    static func streamKey(of symbol: String) -> String { "ballast:market:\(symbol)" }

    /// What the watcher read: when each trade id was seen, and how many trades came after a higher id of their symbol
    /// (in stream order), which tells whether frames out of order start in market-data or in ingest.
    struct Sightings: Sendable {
        var seenAt: [UInt64: UInt64] = [:]
        var outOfOrder = 0
    }

    /// Reads from the streams' current ends until the task is cancelled.
    func watch() async -> Sightings {
        var sightings = Sightings()
        var highest = symbols.map { _ in UInt64(0) }
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
                        guard let text = fields[name + 1].string, let tradeID = TradeIDScanner.tradeID(inText: text) else { continue }
                        sightings.seenAt[tradeID] = now
                        if tradeID < highest[index] { sightings.outOfOrder += 1 }
                        highest[index] = max(highest[index], tradeID)
                    }
                }
            }
        }
        return sightings
    }
}
