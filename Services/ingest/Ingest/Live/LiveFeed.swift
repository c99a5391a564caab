import BallastCore
import BallastMarket
import BallastRedis
import Foundation
import Logging
import ServiceLifecycle

/// Reads, on each ingest instance, the Redis streams its WebSocket clients need: `ballast:market:<SYMBOL>` for the
/// symbols they watch (what market-data publishes after each committed batch) and `ballast:events` while a user stream
/// is open, and hands each entry to the hub. Every instance reads for itself (plain `XREAD`, no consumer group), so any
/// instance serves any subscriber, whichever instance consumed the trade.
///
/// When Redis fails, reading resumes where it stopped once Redis is back. If entries were lost meanwhile (Redis came
/// back without them, or trimmed past the position), each subscriber of that stream gets a `gap` frame instead of a
/// silent hole.
struct LiveFeed: Service {
    static let eventsStream = StreamName.events

    static func marketStream(_ symbol: String) -> String { MarketKeys.liveStream(symbol) }

    static func redisStream(of stream: LiveStream) -> String {
        switch stream {
        case .market(let symbol, _): marketStream(symbol)
        case .user: eventsStream
        }
    }

    /// How long one `XREAD` blocks; a stream that gets its first subscriber meanwhile is read from its subscription time
    /// on the next round, so nothing is lost, only delayed by up to this.
    static let block: Duration = .milliseconds(100)
    /// Entries a new stream is read from before its first subscription, against clock skew between ingest and Redis.
    static let startMargin: Int64 = 250

    let hub: LiveHub
    let redis: RedisClient
    let listenKeys: ListenKeyStore
    let logger: Logger

    func run() async throws {
        let reader = redis.makeDedicatedConnection(name: "live-feed", commandTimeout: Self.block + .seconds(5))
        var positions: [String: String] = [:]
        var interrupted = false
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(2))
        var nextListenKeyCheck = ContinuousClock.now + hub.settings.listenKeyCheckInterval
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if ContinuousClock.now >= nextListenKeyCheck {
                    await checkListenKeys()
                    nextListenKeyCheck = ContinuousClock.now + hub.settings.listenKeyCheckInterval
                }
                let wanted = hub.wantedStreams()
                positions = positions.filter { wanted[$0.key] != nil }
                guard !wanted.isEmpty else {
                    await hub.streamsChanged.wait(upTo: hub.settings.listenKeyCheckInterval)
                    continue
                }
                for (stream, since) in wanted where positions[stream] == nil { positions[stream] = "\(since - Self.startMargin)-0" }
                do {
                    if interrupted {
                        try await resume(&positions, on: reader)
                        interrupted = false
                        backoff.reset()
                        logger.info("live feed reading Redis again", metadata: ["streams": "\(positions.count)"])
                    }
                    try await readRound(&positions, on: reader)
                } catch {
                    if !interrupted {
                        logger.warning(
                            "live feed cannot read Redis; WebSocket subscribers wait, and get a gap notice if entries were lost",
                            metadata: ["error": "\(error)"])
                    }
                    interrupted = true
                    try? await Task.sleep(for: backoff.nextDelay())
                }
            }
        } onGracefulShutdown: {
            hub.closeAll()
            // The loop may be waiting for a first subscriber.
            hub.streamsChanged.wake()
        }
        hub.closeAll()
    }

    private func readRound(_ positions: inout [String: String], on reader: RedisConnection) async throws(RedisError) {
        let streams = positions.keys.sorted()
        var command = RedisCommand("XREAD", "COUNT", "1000", "BLOCK", String(Self.block.wholeMilliseconds), "STREAMS")
        command.append(contentsOf: streams)
        command.append(contentsOf: streams.map { positions[$0] ?? "$" })
        let reply = try await reader.send(command).checked()
        guard let perStream = reply.array else { return }
        for streamReply in perStream {
            guard let pair = streamReply.array, pair.count == 2, let stream = pair[0].string, let entries = pair[1].array else { continue }
            for entry in entries {
                guard let parts = entry.array, parts.count == 2, let id = parts[0].string else { continue }
                positions[stream] = id
                deliver(stream: stream, fields: Self.fieldPairs(parts[1]))
            }
        }
    }

    private func deliver(stream: String, fields: [(String, String)]) {
        if stream == Self.eventsStream {
            guard let body = fields.first(where: { $0.0 == EnvelopeField.data })?.1,
                let user = Self.userID(inEventBody: body)
            else { return }
            hub.deliverEvent(user: user, body: body)
        } else if stream.hasPrefix(Self.marketPrefix) {
            hub.deliverMarket(symbol: String(stream.dropFirst(Self.marketPrefix.count)), fields: fields)
        }
    }

    private static let marketPrefix = MarketKeys.liveStream("")

    /// After a Redis failure: for each stream, whether entries after our position are gone, then where to go on.
    private func resume(_ positions: inout [String: String], on reader: RedisConnection) async throws(RedisError) {
        for (stream, position) in positions {
            let info: RedisReply
            do {
                info = try await reader.send(RedisCommand("XINFO", "STREAM", stream))
            } catch .server {
                info = .null
            }
            guard case .array(let items) = info else {
                // No such stream: Redis came back without it. What was added before it vanished is lost.
                hub.announceGap(in: stream, reason: "Redis lost the stream; frames sent meanwhile are missing")
                positions[stream] = "0-0"
                continue
            }
            var fields: [String: RedisReply] = [:]
            var index = 0
            while index + 1 < items.count {
                if let name = items[index].string { fields[name] = items[index + 1] }
                index += 2
            }
            let lastGenerated =
                fields["last-generated-id"]?.string.flatMap(StreamEntryID.init) ?? StreamEntryID(milliseconds: 0, sequence: 0)
            let deleted = fields["max-deleted-entry-id"]?.string.flatMap(StreamEntryID.init)
            let ours = StreamEntryID(position) ?? StreamEntryID(milliseconds: 0, sequence: 0)
            if lastGenerated < ours {
                hub.announceGap(in: stream, reason: "Redis restarted without the stream's latest entries; frames may be missing")
                positions[stream] = "0-0"
            } else if let deleted, ours < deleted {
                hub.announceGap(in: stream, reason: "entries were trimmed before they could be read; frames may be missing")
            }
        }
    }

    private func checkListenKeys() async {
        let open = hub.openListenKeys()
        guard !open.isEmpty else { return }
        do {
            hub.expire(listenKeys: try await listenKeys.expired(among: open))
        } catch {
            logger.warning("cannot check listen keys in Redis", metadata: ["error": "\(error)"])
        }
    }

    /// The field/value pairs of an entry, in order (a field may repeat: several trades in one entry).
    static func fieldPairs(_ reply: RedisReply) -> [(String, String)] {
        guard let items = reply.array else { return [] }
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(items.count / 2)
        var index = 0
        while index + 1 < items.count {
            if let name = items[index].string, let value = items[index + 1].string { pairs.append((name, value)) }
            index += 2
        }
        return pairs
    }

    /// `userId` of an event body (`EventBody`), read without decoding the rest.
    static func userID(inEventBody body: String) -> UUID? {
        guard let value = try? JSONValue(parsing: body.utf8), case .string(let text)? = value["userId"] else { return nil }
        return UUID(uuidString: text)
    }
}

/// A stream entry id, `<ms>-<seq>`, ordered as Redis orders them.
struct StreamEntryID: Comparable, Sendable {
    let milliseconds: UInt64
    let sequence: UInt64

    init(milliseconds: UInt64, sequence: UInt64) {
        self.milliseconds = milliseconds
        self.sequence = sequence
    }

    init?(_ text: String) {
        let parts = text.split(separator: "-", maxSplits: 1)
        guard let milliseconds = parts.first.flatMap({ UInt64($0) }) else { return nil }
        self.milliseconds = milliseconds
        sequence = parts.count == 2 ? (UInt64(parts[1]) ?? 0) : 0
    }

    static func < (lhs: StreamEntryID, rhs: StreamEntryID) -> Bool {
        (lhs.milliseconds, lhs.sequence) < (rhs.milliseconds, rhs.sequence)
    }
}
