/// The order of trades within a symbol: by time, then by trade id (`TradeID.<`: shorter ids first, then byte order). A
/// candle opens with its least trade and closes with its greatest, whatever order the trades arrived in.
public struct TradeStamp: Sendable, Hashable, Comparable, Codable {
    /// Epoch milliseconds.
    public let time: Int64
    public let id: TradeID

    public init(time: Int64, id: TradeID) {
        self.time = time
        self.id = id
    }

    /// Before every trade: the stamp of flat candles, and where a search for the latest trade starts.
    static let beforeAll = TradeStamp(time: .min, id: TradeID(0))

    @inline(__always)
    public static func < (lhs: TradeStamp, rhs: TradeStamp) -> Bool {
        lhs.time != rhs.time ? lhs.time < rhs.time : lhs.id < rhs.id
    }
}
