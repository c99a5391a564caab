/// A block of the simulated Bitcoin chain. Blocks a reorganisation left stay known by hash, as in Bitcoin Core.
public struct SimulatedBitcoinBlock: Sendable, Equatable {
    public var hash: String
    public var height: Int
    public var previousHash: String?
    /// Seconds since 1970.
    public var time: Int64
    public var transactions: [SimulatedBitcoinTransaction]
}
