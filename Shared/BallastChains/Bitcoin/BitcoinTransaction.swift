/// A transaction of a verbose block, reduced to what deposit detection reads.
public struct BitcoinTransaction: Sendable, Equatable {
    public var txid: String
    public var outputs: [BitcoinOutput]

    public init(txid: String, outputs: [BitcoinOutput]) {
        self.txid = txid
        self.outputs = outputs
    }
}
