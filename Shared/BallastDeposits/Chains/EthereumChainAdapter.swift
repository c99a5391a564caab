import BallastChains
import BallastCore
import Foundation

/// An Ethereum-style node: `eth_blockNumber`, `eth_getBlockByNumber` with full transactions, `eth_getLogs` of the
/// configured tokens' `Transfer` events by block hash, and the `finalized` tag where the chain has one.
struct EthereumChainAdapter: ChainAdapter {
    let client: EthereumRPCClient
    let settings: ChainSettings

    func tip() async throws(JSONRPCError) -> ChainTip {
        let height = Int64(try await client.blockNumber())
        guard settings.useFinalized else { return ChainTip(height: height) }
        let finalized = try await client.block(.finalized)
        return ChainTip(height: height, finalizedHeight: finalized.map { Int64($0.number) })
    }

    func blockHash(at height: Int64) async throws(JSONRPCError) -> String {
        try await existingBlock(at: height).hash
    }

    func block(at height: Int64) async throws(JSONRPCError) -> ScannedBlock {
        let block = try await existingBlock(at: height)
        var payments: [ChainPayment] = []
        for transaction in block.transactions {
            guard let to = transaction.to, transaction.value > .zero else { continue }
            guard let amount = Self.amount(transaction.value, decimals: settings.decimals) else { continue }
            payments.append(
                ChainPayment(txid: transaction.hash, outputIndex: -1, address: to.lowercased, asset: settings.asset, amount: amount))
        }
        if !settings.tokens.isEmpty {
            let contracts = try settings.tokens.map { token throws(JSONRPCError) -> EthereumAddress in
                do { return try EthereumAddress(token.contract) } catch {
                    throw .unexpectedResult(method: "eth_getLogs", reason: "token contract \(token.contract): \(error)")
                }
            }
            let transfers = try await client.transfers(of: contracts, blockHash: block.hash).sorted { $0.logIndex < $1.logIndex }
            var positionInTransaction: [String: Int] = [:]
            for transfer in transfers {
                let key = transfer.transactionHash + " " + transfer.token.lowercased
                let position = positionInTransaction[key, default: 0]
                positionInTransaction[key] = position + 1
                guard let token = settings.tokens.first(where: { $0.contract == transfer.token.lowercased }), transfer.amount > .zero,
                    let amount = Self.amount(transfer.amount, decimals: token.decimals)
                else { continue }
                payments.append(
                    ChainPayment(
                        txid: transfer.transactionHash, contract: token.contract, outputIndex: position, address: transfer.to.lowercased,
                        asset: token.asset, amount: amount))
            }
        }
        return ScannedBlock(height: height, hash: block.hash, parentHash: block.parentHash, payments: payments)
    }

    private func existingBlock(at height: Int64) async throws(JSONRPCError) -> EthereumBlock {
        guard let block = try await client.block(.number(UInt64(height))) else {
            throw .unexpectedResult(method: "eth_getBlockByNumber", reason: "the node has no block \(height)")
        }
        return block
    }

    /// `value` base units as an exact decimal of `decimals` places; nil beyond what a Decimal holds exactly (38
    /// significant digits, trailing zeros not counted: more than any real payment).
    static func amount(_ value: EthereumQuantity, decimals: Int) -> Decimal? {
        let digits = value.decimalString
        let significant = digits.count > 1 ? String(digits.reversed().drop { $0 == "0" }.reversed()) : digits
        let exponent = digits.count - significant.count - decimals
        return ExactDecimal.parse(significant.isEmpty ? "0" : significant + "e\(exponent)")
    }
}
