import BallastCore
import Foundation
import Metrics
import NIOCore
import Synchronization

/// Who on this instance is subscribed to what, and the fan-out of what `LiveFeed` reads to them.
///
/// Market streams are keyed by symbol and channel (the field names of `ballast:market:<SYMBOL>` entries), user streams
/// by user. A frame is encoded once per entry and shape (bare payload or combined wrapper) and shared by every
/// connection that gets it.
final class LiveHub: Sendable {
    /// Why a connection cannot be opened.
    enum Refusal: Error, Equatable, CustomStringConvertible {
        case instanceFull(Int)
        case listenKeyFull(Int)

        var description: String {
            switch self {
            case .instanceFull(let limit): "too many connections on this instance (limit \(limit)); try another or later"
            case .listenKeyFull(let limit): "too many connections for this listen key (limit \(limit))"
            }
        }
    }

    private struct Member {
        let connection: LiveConnection
        /// In subscription order, for `LIST_SUBSCRIPTIONS`.
        var streams: [LiveStream] = []
        var users: [String: UUID] = [:]
    }

    private struct State {
        var members: [Int: Member] = [:]
        var market: [String: [String: [Int: LiveConnection]]] = [:]
        var users: [UUID: [Int: (connection: LiveConnection, listenKey: String)]] = [:]
        var connectionsPerListenKey: [String: Int] = [:]
        /// When each Redis stream got its first subscriber (epoch ms), so that the reader starts from there.
        var subscribedSince: [String: Int64] = [:]
        var nextID = 0
    }

    let settings: LiveStreamSettings
    private let state = Mutex(State())
    private let slowDisconnects = Atomic<Int>(0)
    private let connectionsGauge = Gauge(label: "ballast_ws_connections")
    private let slowDisconnectsCounter = Counter(label: "ballast_ws_slow_disconnects_total")
    /// Woken when a Redis stream gets its first subscriber, so that the reader does not wait out its block.
    let streamsChanged = Wakeup()

    init(settings: LiveStreamSettings) {
        self.settings = settings
    }

    // MARK: Connections

    func connect(combined: Bool, channel: any Channel) throws(Refusal) -> LiveConnection {
        let maxConnections = settings.maxConnections
        let bufferFrames = settings.sendBufferFrames
        return try state.withLock { state throws(Refusal) in
            guard state.members.count < maxConnections else { throw .instanceFull(maxConnections) }
            state.nextID += 1
            let connection = LiveConnection(id: state.nextID, combined: combined, bufferFrames: bufferFrames, channel: channel)
            state.members[connection.id] = Member(connection: connection)
            connectionsGauge.record(state.members.count)
            return connection
        }
    }

    func disconnect(_ connection: LiveConnection) {
        state.withLock { state in
            guard let member = state.members.removeValue(forKey: connection.id) else { return }
            for stream in member.streams { Self.remove(stream, of: member, from: &state) }
            connectionsGauge.record(state.members.count)
        }
    }

    var connectionCount: Int { state.withLock { $0.members.count } }

    /// Connections cut off as too slow since start.
    var slowDisconnectCount: Int { slowDisconnects.load(ordering: .relaxed) }

    private func send(_ frame: ByteBuffer, to connection: LiveConnection) {
        if connection.send(frame) == .cutOff {
            slowDisconnects.add(1, ordering: .relaxed)
            slowDisconnectsCounter.increment()
        }
    }

    // MARK: Subscriptions

    /// Adds `streams` (resolved; `user` streams with the owner of their listen key) to `connection`'s subscriptions,
    /// all or none. Already subscribed streams are kept once.
    func subscribe(_ connection: LiveConnection, to streams: [(stream: LiveStream, user: UUID?)]) throws(LiveSubscriptionError) {
        let maxSubscriptions = settings.maxSubscriptions
        let maxPerKey = settings.maxConnectionsPerKey
        let now = Date().epochMilliseconds
        let added = try state.withLock { state throws(LiveSubscriptionError) -> Bool in
            guard var member = state.members[connection.id] else { return false }
            let new = streams.filter { !member.streams.contains($0.stream) }
            var distinct: [(stream: LiveStream, user: UUID?)] = []
            for item in new where !distinct.contains(where: { $0.stream == item.stream }) { distinct.append(item) }
            guard member.streams.count + distinct.count <= maxSubscriptions else {
                throw .tooManySubscriptions(maxSubscriptions)
            }
            for item in distinct {
                if case .user(let listenKey) = item.stream, state.connectionsPerListenKey[listenKey, default: 0] >= maxPerKey {
                    throw .listenKeyFull(maxPerKey)
                }
            }
            var newRedisStream = false
            for item in distinct {
                member.streams.append(item.stream)
                switch item.stream {
                case .market(let symbol, let channel):
                    let key = LiveFeed.marketStream(symbol)
                    if state.subscribedSince[key] == nil {
                        state.subscribedSince[key] = now
                        newRedisStream = true
                    }
                    state.market[symbol, default: [:]][channel, default: [:]][connection.id] = connection
                case .user(let listenKey):
                    guard let user = item.user else { continue }
                    member.users[listenKey] = user
                    state.connectionsPerListenKey[listenKey, default: 0] += 1
                    if state.subscribedSince[LiveFeed.eventsStream] == nil {
                        state.subscribedSince[LiveFeed.eventsStream] = now
                        newRedisStream = true
                    }
                    state.users[user, default: [:]][connection.id] = (connection, listenKey)
                }
            }
            state.members[connection.id] = member
            return newRedisStream
        }
        if added { streamsChanged.wake() }
    }

    func unsubscribe(_ connection: LiveConnection, from streams: [LiveStream]) {
        state.withLock { state in
            guard var member = state.members[connection.id] else { return }
            for stream in streams where member.streams.contains(stream) {
                Self.remove(stream, of: member, from: &state)
                member.streams.removeAll { $0 == stream }
                if case .user(let listenKey) = stream { member.users[listenKey] = nil }
            }
            state.members[connection.id] = member
        }
    }

    func subscriptions(of connection: LiveConnection) -> [LiveStream] {
        state.withLock { $0.members[connection.id]?.streams ?? [] }
    }

    private static func remove(_ stream: LiveStream, of member: Member, from state: inout State) {
        let id = member.connection.id
        switch stream {
        case .market(let symbol, let channel):
            state.market[symbol]?[channel]?[id] = nil
            if state.market[symbol]?[channel]?.isEmpty == true { state.market[symbol]?[channel] = nil }
            if state.market[symbol]?.isEmpty == true {
                state.market[symbol] = nil
                state.subscribedSince[LiveFeed.marketStream(symbol)] = nil
            }
        case .user(let listenKey):
            guard let user = member.users[listenKey] else { return }
            state.connectionsPerListenKey[listenKey, default: 1] -= 1
            if state.connectionsPerListenKey[listenKey] == 0 { state.connectionsPerListenKey[listenKey] = nil }
            state.users[user]?[id] = nil
            if state.users[user]?.isEmpty == true { state.users[user] = nil }
            if state.users.isEmpty { state.subscribedSince[LiveFeed.eventsStream] = nil }
        }
    }

    // MARK: What the reader needs

    /// The Redis streams with subscribers, each with the time its first subscriber came (epoch ms).
    func wantedStreams() -> [String: Int64] {
        state.withLock { $0.subscribedSince }
    }

    /// The listen keys with open streams on this instance.
    func openListenKeys() -> [String] {
        state.withLock { Array($0.connectionsPerListenKey.keys) }
    }

    // MARK: Fan-out

    /// Sends each field of a `ballast:market:<symbol>` entry to the subscribers of its channel. The subscribers are
    /// copied under the lock and sent to outside it, so subscribing and connecting never wait for a fan-out.
    func deliverMarket(symbol: String, fields: [(String, String)]) {
        let targets = state.withLock { state -> [String: [LiveConnection]] in
            guard let channels = state.market[symbol] else { return [:] }
            var targets: [String: [LiveConnection]] = [:]
            for (channel, _) in fields where targets[channel] == nil {
                if let subscribers = channels[channel], !subscribers.isEmpty { targets[channel] = Array(subscribers.values) }
            }
            return targets
        }
        guard !targets.isEmpty else { return }
        let prefix = symbol.lowercased() + "@"
        for (channel, payload) in fields {
            guard let subscribers = targets[channel] else { continue }
            var frames = LiveFrames(payload: payload, streamName: prefix + channel)
            for connection in subscribers { send(frames.frame(combined: connection.combined), to: connection) }
        }
    }

    /// Sends an event body to the user's streams.
    func deliverEvent(user: UUID, body: String) {
        let subscribers = state.withLock { $0.users[user].map { Array($0.values) } ?? [] }
        for (connection, listenKey) in subscribers {
            var frames = LiveFrames(payload: body, streamName: listenKey)
            send(frames.frame(combined: connection.combined), to: connection)
        }
    }

    /// Tells every subscriber of `redisStream` that frames may be missing, one gap frame per subscribed stream.
    func announceGap(in redisStream: String, reason: String) {
        let time = Date().epochMilliseconds
        state.withLock { state in
            for member in state.members.values {
                for stream in member.streams where LiveFeed.redisStream(of: stream) == redisStream {
                    let payload =
                        "{\"e\":\"gap\",\"E\":\(time),\"stream\":\(JSONValue.string(stream.name).serialized),"
                        + "\"reason\":\(JSONValue.string(reason).serialized)}"
                    var frames = LiveFrames(payload: payload, streamName: stream.name)
                    send(frames.frame(combined: member.connection.combined), to: member.connection)
                }
            }
        }
    }

    /// Closes the streams of listen keys that expired or were deleted, after a `listenKeyExpired` event as Binance sends.
    func expire(listenKeys: Set<String>) {
        guard !listenKeys.isEmpty else { return }
        let time = Date().epochMilliseconds
        state.withLock { state in
            for member in state.members.values {
                for listenKey in member.users.keys where listenKeys.contains(listenKey) {
                    let payload = "{\"e\":\"listenKeyExpired\",\"E\":\(time),\"listenKey\":\"\(listenKey)\"}"
                    var frames = LiveFrames(payload: payload, streamName: listenKey)
                    send(frames.frame(combined: member.connection.combined), to: member.connection)
                    member.connection.close(.init(code: LiveCloseCode.listenKeyExpired, reason: "listen key expired", abort: false))
                }
            }
        }
    }

    /// Closes every connection, for a graceful stop: they get their queued frames, then a "going away" close.
    func closeAll() {
        state.withLock { state in
            for member in state.members.values {
                member.connection.close(.init(code: .goingAway, reason: "server shutting down", abort: false))
            }
        }
    }
}

/// A subscription request that cannot be honoured.
enum LiveSubscriptionError: Error, Equatable, CustomStringConvertible {
    case tooManySubscriptions(Int)
    case listenKeyFull(Int)

    var description: String {
        switch self {
        case .tooManySubscriptions(let limit): "too many subscriptions on one connection (limit \(limit))"
        case .listenKeyFull(let limit): "too many connections for this listen key (limit \(limit))"
        }
    }
}

/// The frames of one payload: bare, and wrapped as `{"stream","data"}`; each made once, when first needed.
struct LiveFrames {
    let payload: String
    let streamName: String
    private var bare: ByteBuffer?
    private var wrapped: ByteBuffer?

    init(payload: String, streamName: String) {
        self.payload = payload
        self.streamName = streamName
    }

    mutating func frame(combined: Bool) -> ByteBuffer {
        if combined {
            if let wrapped { return wrapped }
            var buffer = ByteBuffer()
            buffer.reserveCapacity(payload.utf8.count + streamName.utf8.count + 22)
            buffer.writeString("{\"stream\":\"")
            buffer.writeString(streamName)
            buffer.writeString("\",\"data\":")
            buffer.writeString(payload)
            buffer.writeString("}")
            wrapped = buffer
            return buffer
        }
        if let bare { return bare }
        let buffer = ByteBuffer(string: payload)
        bare = buffer
        return buffer
    }
}
