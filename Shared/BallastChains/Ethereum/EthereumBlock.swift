import BallastCore

/// A block as `eth_getBlockByNumber` returns it with full transactions.
public struct EthereumBlock: Sendable, Hashable {
    public let number: UInt64
    public let hash: String
    /// The scanner compares it to the hash it stored for `number - 1` to notice a reorganisation.
    public let parentHash: String
    /// Seconds since 1970.
    public let timestamp: UInt64
    public let transactions: [EthereumTransaction]

    public init(
        number: UInt64, hash: String, parentHash: String, timestamp: UInt64, transactions: [EthereumTransaction]
    ) {
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
        self.timestamp = timestamp
        self.transactions = transactions
    }
}

extension EthereumBlock {
    /// Reads a block object with full transactions; every field is checked, so a malformed
    /// answer is refused whole, never half read.
    public init(json: JSONValue) throws(EthereumResponseError) {
        guard let transactions = json["transactions"]?.arrayValue else { throw .missingField("transactions") }
        try self.init(
            number: EthereumHex.uint64(json, "number"),
            hash: EthereumHex.hash(json, "hash"),
            parentHash: EthereumHex.hash(json, "parentHash"),
            timestamp: EthereumHex.uint64(json, "timestamp"),
            transactions: transactions.map { (transaction) throws(EthereumResponseError) in
                try EthereumTransaction(json: transaction)
            }
        )
    }
}
