import NIOWebSocket

/// Why the server closes a WebSocket, beyond the codes of RFC 6455 (documented in docs/websockets.md).
enum LiveCloseCode {
    /// The listen key of a user stream expired or was deleted.
    static let listenKeyExpired = WebSocketErrorCode.unknown(4001)
    /// The client read too slowly: its send buffer filled up.
    static let tooSlow = WebSocketErrorCode.unknown(4008)
    /// Too many connections on this instance or for this listen key.
    static let tooManyConnections = WebSocketErrorCode.unknown(4029)
}
