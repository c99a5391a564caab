import BallastCore

/// One ERC-20 `Transfer(address,address,uint256)` event read from `eth_getLogs`.
public struct ERC20Transfer: Sendable, Hashable {
    /// keccak256("Transfer(address,address,uint256)"), the first topic of every such log.
    public static let eventTopic = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"

    public let transactionHash: String
    /// With the transaction hash, what makes a deposit unique: one transaction can move tokens
    /// several times.
    public let logIndex: UInt64
    public let blockNumber: UInt64
    public let blockHash: String
    /// The token contract that emitted the event.
    public let token: EthereumAddress
    public let from: EthereumAddress
    public let to: EthereumAddress
    /// In the token's smallest unit (its `decimals` are the caller's business).
    public let amount: EthereumQuantity

    public init(
        transactionHash: String, logIndex: UInt64, blockNumber: UInt64, blockHash: String,
        token: EthereumAddress, from: EthereumAddress, to: EthereumAddress, amount: EthereumQuantity
    ) {
        self.transactionHash = transactionHash
        self.logIndex = logIndex
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.token = token
        self.from = from
        self.to = to
        self.amount = amount
    }
}

extension ERC20Transfer {
    /// Reads a log of `eth_getLogs` as a Transfer: topics are the event, the sender and the
    /// receiver (each padded to 32 bytes), the data is the 32-byte amount.
    public init(log: JSONValue) throws(EthereumResponseError) {
        let transactionHash = try EthereumHex.hash(log, "transactionHash")
        let topics = (log["topics"]?.arrayValue ?? []).compactMap(\.stringValue)
        guard topics.count == 3, topics[0].lowercased() == Self.eventTopic else {
            throw .malformedTransferLog(
                transactionHash: transactionHash,
                reason: "expected 3 topics starting with the Transfer signature, got \(topics.count)"
            )
        }
        let data = try EthereumHex.string(log, "data")
        guard data.count == 66 else {
            throw .malformedTransferLog(transactionHash: transactionHash, reason: "the amount is not 32 bytes of data")
        }
        try self.init(
            transactionHash: transactionHash,
            logIndex: EthereumHex.uint64(log, "logIndex"),
            blockNumber: EthereumHex.uint64(log, "blockNumber"),
            blockHash: EthereumHex.hash(log, "blockHash"),
            token: EthereumAddress(EthereumHex.string(log, "address")),
            from: EthereumAddress(topic: topics[1]),
            to: EthereumAddress(topic: topics[2]),
            amount: EthereumQuantity(hex: data)
        )
    }
}
