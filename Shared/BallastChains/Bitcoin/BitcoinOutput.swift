/// One output (`vout` entry) of a transaction: what a deposit to one of our addresses is.
public struct BitcoinOutput: Sendable, Equatable {
    /// The output's index in its transaction (`n`): with the txid, the deposit's unique key.
    public var index: Int
    public var satoshis: Int64
    /// `scriptPubKey.address`; nil for scripts without one (OP_RETURN, bare multisig).
    public var address: String?

    public init(index: Int, satoshis: Int64, address: String?) {
        self.index = index
        self.satoshis = satoshis
        self.address = address
    }
}
