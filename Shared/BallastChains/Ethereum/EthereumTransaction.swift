import BallastCore

/// A transaction of a block, with the fields a deposit scanner needs.
public struct EthereumTransaction: Sendable, Hashable {
    public let hash: String
    public let from: EthereumAddress
    /// Nil for a contract creation.
    public let to: EthereumAddress?
    /// The native amount sent, in wei (10^18 wei = 1 ETH).
    public let value: EthereumQuantity

    public init(hash: String, from: EthereumAddress, to: EthereumAddress?, value: EthereumQuantity) {
        self.hash = hash
        self.from = from
        self.to = to
        self.value = value
    }
}

extension EthereumTransaction {
    /// Reads a full transaction object (a block asked for without full transactions lists bare
    /// hashes, which are refused here).
    public init(json: JSONValue) throws(EthereumResponseError) {
        let to: EthereumAddress? =
            switch json["to"] {
            case nil, .null?: nil
            default: try EthereumAddress(EthereumHex.string(json, "to"))
            }
        try self.init(
            hash: EthereumHex.hash(json, "hash"),
            from: EthereumAddress(EthereumHex.string(json, "from")),
            to: to,
            value: EthereumQuantity(hex: EthereumHex.string(json, "value"))
        )
    }
}
