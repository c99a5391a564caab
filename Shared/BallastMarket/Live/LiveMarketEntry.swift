import BallastCore
import BallastRedis

/// One entry of a symbol's live market stream (`MarketKeys.liveStream`): (field, payload) pairs, the field being the
/// WebSocket stream's suffix (`trade` for `btc-usd@trade`) and the payload the frame to send (`LiveMarketPayload`). An
/// entry is not an envelope: subscribers' frames are relayed as they are, without decoding.
public struct LiveMarketEntry: Sendable {
    /// How many entries a symbol's stream keeps, about (`MAXLEN ~`): subscribers read the newest only.
    public static let maximumLength = 1000
    public static let tradeField = "trade"
    public static let tickerField = "ticker"
    public static let miniTickerField = "miniTicker"

    public static func klineField(_ interval: CandleInterval) -> String { "kline_\(interval.rawValue)" }

    public let symbol: String
    public private(set) var fields: [(name: String, payload: String)] = []

    public init(symbol: String) {
        self.symbol = symbol
    }

    public var isEmpty: Bool { fields.isEmpty }

    public mutating func append(_ name: String, _ payload: String) {
        fields.append((name, payload))
    }

    /// `XADD ballast:market:<SYMBOL> MAXLEN ~ 1000 * field payload ...`.
    public var command: RedisCommand {
        var command = RedisCommand("XADD", MarketKeys.liveStream(symbol), "MAXLEN", "~", String(Self.maximumLength), "*")
        for (name, payload) in fields {
            command.append(name)
            command.append(payload)
        }
        return command
    }
}
