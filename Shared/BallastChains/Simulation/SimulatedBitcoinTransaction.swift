/// A transaction of the simulated Bitcoin chain: outputs to addresses, nothing spent (the simulator keeps no UTXO set).
public struct SimulatedBitcoinTransaction: Sendable, Equatable {
    public var txid: String
    public var outputs: [Output]
    /// The first transaction of each block, which creates the block reward.
    public var isCoinbase: Bool

    public struct Output: Sendable, Equatable {
        public var address: String
        public var satoshis: Int64
    }
}
