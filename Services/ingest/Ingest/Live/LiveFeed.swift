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

    /// Where reading a stream stands: the id to read after, and whether a subscriber got that entry (a real position)
    /// or it is only the subscription time (nothing delivered yet, so nothing can be missing before it).
    struct Position: Sendable {
        var id: StreamEntryID
        var delivered: Bool
    }

    /// What the reader knows of the Redis it reads: which run of the server (a restart changes `run_id`, even when the
    /// connection was silently remade), and how far its clock is from ours, so a new subscription starts at Redis's
    /// time.
    struct ServerView: Sendable {
        var runID: String?
        var clockOffset: Int64 = 0
        var checkedAt = ContinuousClock.now
    }

    /// How often the reader checks Redis's run id and clock between failures.
    static let serverCheckInterval: Duration = .seconds(5)
    /// Entries one `XREAD` takes per stream; a full batch makes the reader check that nothing was trimmed past it.
    static let batchSize = 1_000

    func run() async throws {
        let reader = redis.makeDedicatedConnection(name: "live-feed", commandTimeout: Self.block + .seconds(5))
        var positions: [String: Position] = [:]
        var server = ServerView()
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
                do {
                    if interrupted || server.runID == nil || ContinuousClock.now - server.checkedAt >= Self.serverCheckInterval {
                        let restarted = try await check(&server, on: reader)
                        if interrupted || restarted {
                            try await resume(&positions, afterRestart: restarted, on: reader)
                            if interrupted { logger.info("live feed reading Redis again", metadata: ["streams": "\(positions.count)"]) }
                            interrupted = false
                            backoff.reset()
                        }
                    }
                    for (stream, since) in wanted where positions[stream] == nil {
                        let start = UInt64(max(0, since + server.clockOffset - Self.startMargin))
                        positions[stream] = Position(id: StreamEntryID(milliseconds: start, sequence: 0), delivered: false)
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
            // The loop may be waiting for a first subscriber.
            hub.streamsChanged.wake()
        }
        await closeConnections()
    }

    /// Closes every client with 1001 after its queued frames, and waits (up to 5 s) for them to go, before the HTTP
    /// server stops: it is stopped after this service, and would otherwise close them itself with 1000.
    private func closeConnections() async {
        hub.closeAll()
        let deadline = ContinuousClock.now + .seconds(5)
        while hub.connectionCount > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Reads Redis's run id and clock; true when the run id changed since the last check (Redis restarted).
    private func check(_ server: inout ServerView, on reader: RedisConnection) async throws(RedisError) -> Bool {
        let info = try await reader.send(RedisCommand("INFO", "server")).string ?? ""
        let runID = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("run_id:") }.map { String($0.dropFirst(7)) }
        let time = try await reader.send(RedisCommand("TIME")).array ?? []
        if time.count == 2, let seconds = time[0].integer.map(Int64.init), let micros = time[1].integer.map(Int64.init) {
            server.clockOffset = seconds * 1000 + micros / 1000 - Date().epochMilliseconds
        }
        let restarted = server.runID != nil && runID != server.runID
        server.runID = runID
        server.checkedAt = ContinuousClock.now
        return restarted
    }

    private func readRound(_ positions: inout [String: Position], on reader: RedisConnection) async throws(RedisError) {
        let streams = positions.keys.sorted()
        var command = RedisCommand(
            "XREAD", "COUNT", String(Self.batchSize), "BLOCK", String(Self.block.wholeMilliseconds), "STREAMS")
        command.append(contentsOf: streams)
        command.append(contentsOf: streams.map { positions[$0]?.id.description ?? "$" })
        let reply = try await reader.send(command).checked()
        guard let perStream = reply.array else { return }
        for streamReply in perStream {
            guard let pair = streamReply.array, pair.count == 2, let stream = pair[0].string, let entries = pair[1].array else { continue }
            if entries.count >= Self.batchSize, let before = positions[stream] {
                // Behind by a whole batch: entries may have been trimmed before we got to them.
                if let info = try await streamInfo(stream, on: reader), let deleted = info.maxDeleted, before.id < deleted {
                    hub.announceGap(in: stream, reason: "entries were trimmed before they could be read; frames may be missing")
                }
            }
            for entry in entries {
                guard let parts = entry.array, parts.count == 2, let text = parts[0].string, let id = StreamEntryID(text) else { continue }
                positions[stream] = Position(id: id, delivered: true)
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

    /// What `XINFO STREAM` says of a stream: nil when it does not exist.
    struct StreamInfo {
        var lastGenerated: StreamEntryID
        var maxDeleted: StreamEntryID?
    }

    private func streamInfo(_ stream: String, on reader: RedisConnection) async throws(RedisError) -> StreamInfo? {
        let info: RedisReply
        do {
            info = try await reader.send(RedisCommand("XINFO", "STREAM", stream))
        } catch .server(let message) where message.lowercased().contains("no such key") {
            return nil
        }
        guard case .array(let items) = info else { return nil }
        var fields: [String: RedisReply] = [:]
        var index = 0
        while index + 1 < items.count {
            if let name = items[index].string { fields[name] = items[index + 1] }
            index += 2
        }
        return StreamInfo(
            lastGenerated: fields["last-generated-id"]?.string.flatMap(StreamEntryID.init) ?? .zero,
            maxDeleted: fields["max-deleted-entry-id"]?.string.flatMap(StreamEntryID.init))
    }

    /// After a Redis failure or restart: for each stream, whether entries after our position are gone, then where to go
    /// on. A position nothing was delivered at cannot have lost anything before it. Errors (Redis still loading its data,
    /// say) are thrown, and the next round tries again.
    private func resume(
        _ positions: inout [String: Position], afterRestart restarted: Bool, on reader: RedisConnection
    )
        async throws(RedisError)
    {
        for (stream, position) in positions {
            guard let info = try await streamInfo(stream, on: reader) else {
                // Redis has no such stream: it came back without it, or nobody published to it yet.
                if position.delivered { hub.announceGap(in: stream, reason: "Redis lost the stream; frames sent meanwhile are missing") }
                positions[stream] = Position(id: .zero, delivered: position.delivered)
                continue
            }
            if info.lastGenerated < position.id {
                // Redis came back without its latest entries: go on from what it has.
                if position.delivered {
                    hub.announceGap(in: stream, reason: "Redis restarted without the stream's latest entries; frames may be missing")
                }
                positions[stream] = Position(id: info.lastGenerated, delivered: position.delivered)
            } else if let deleted = info.maxDeleted, position.id < deleted, position.delivered {
                hub.announceGap(in: stream, reason: "entries were trimmed before they could be read; frames may be missing")
            } else if restarted, position.delivered, position.id > .zero,
                try await reader.send(RedisCommand("XRANGE", stream, position.id.description, position.id.description)).array?.isEmpty
                    == true
            {
                // A new Redis whose stream was written again since: the last entry we delivered is not in it.
                hub.announceGap(in: stream, reason: "Redis restarted without the stream's entries; frames may be missing")
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
struct StreamEntryID: Comparable, Sendable, CustomStringConvertible {
    static let zero = StreamEntryID(milliseconds: 0, sequence: 0)

    var description: String { "\(milliseconds)-\(sequence)" }

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
