import Foundation

/// A payment a block makes to an address: a Bitcoin output, an Ethereum transaction's value, or an ERC-20 transfer.
public struct ChainPayment: Sendable, Equatable {
    public var txid: String
    /// The token's contract (lower case) for an ERC-20 transfer; "" for the chain's own asset.
    public var contract: String
    /// The Bitcoin output's `vout`; -1 for an Ethereum transaction's own value; for a token transfer its position among
    /// the contract's `Transfer` logs in the transaction (stable when a reorganisation moves the transaction to another
    /// block, and whatever other tokens are configured).
    public var outputIndex: Int
    public var address: String
    public var asset: String
    public var amount: Decimal

    public init(txid: String, contract: String = "", outputIndex: Int, address: String, asset: String, amount: Decimal) {
        self.txid = txid
        self.contract = contract
        self.outputIndex = outputIndex
        self.address = address
        self.asset = asset
        self.amount = amount
    }
}
