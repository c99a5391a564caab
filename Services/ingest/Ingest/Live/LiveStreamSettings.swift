import BallastCore

/// Limits and timings of the WebSocket streams (`BALLAST_WS_*`, `BALLAST_LISTEN_KEY_TTL_SECONDS`; docs/configuration.md).
public struct LiveStreamSettings: Sendable {
    /// Open WebSocket connections per ingest instance; the next one is refused.
    public var maxConnections: Int
    /// Open connections per listen key (so per user stream) and instance.
    public var maxConnectionsPerKey: Int
    /// Streams one connection may subscribe to.
    public var maxSubscriptions: Int
    /// Frames queued for one connection; a client that lets more pile up is disconnected (`LiveCloseCode.tooSlow`).
    public var sendBufferFrames: Int
    /// How often the server pings; a client that has not answered the previous ping by then is disconnected.
    public var pingInterval: Duration
    /// How long a listen key lives without a keep-alive (`PUT /api/v1/userDataStream`).
    public var listenKeyTTL: Duration

    public init(environment: EnvironmentReader = EnvironmentReader()) throws(ConfigurationError) {
        maxConnections = try environment.integer("BALLAST_WS_MAX_CONNECTIONS", default: 10_000, range: 1...1_000_000)
        maxConnectionsPerKey = try environment.integer("BALLAST_WS_MAX_CONNECTIONS_PER_KEY", default: 10, range: 1...10_000)
        maxSubscriptions = try environment.integer("BALLAST_WS_MAX_SUBSCRIPTIONS", default: 200, range: 1...1_024)
        sendBufferFrames = try environment.integer("BALLAST_WS_SEND_BUFFER_FRAMES", default: 4_096, range: 16...1_000_000)
        pingInterval = .seconds(try environment.integer("BALLAST_WS_PING_SECONDS", default: 20, range: 1...3_600))
        listenKeyTTL = .seconds(try environment.integer("BALLAST_LISTEN_KEY_TTL_SECONDS", default: 3_600, range: 1...86_400))
    }

    /// How often open user streams check that their listen key still lives: often enough that an expired key closes
    /// its connections within a tenth of its lifetime, at most every 30 s.
    var listenKeyCheckInterval: Duration {
        max(.milliseconds(200), min(.seconds(30), listenKeyTTL / 10))
    }
}
