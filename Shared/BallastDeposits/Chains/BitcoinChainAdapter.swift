import BallastChains
import BallastCore
import Foundation

/// A Bitcoin Core node: `getblockcount`, `getblockhash`, `getblock` with verbosity 2. Every output paying an address is
/// a payment; outputs without one (OP_RETURN, bare scripts) are not.
struct BitcoinChainAdapter: ChainAdapter {
    let client: BitcoinRPCClient
    let asset: String

    func tip() async throws(JSONRPCError) -> ChainTip {
        ChainTip(height: Int64(try await client.blockCount()))
    }

    func blockHash(at height: Int64) async throws(JSONRPCError) -> String {
        try await client.blockHash(height: Int(height))
    }

    func block(at height: Int64) async throws(JSONRPCError) -> ScannedBlock {
        let block = try await client.block(height: Int(height))
        guard block.height == Int(height) else {
            throw .unexpectedResult(method: "getblock", reason: "asked for block \(height), the node sent block \(block.height)")
        }
        var payments: [ChainPayment] = []
        for transaction in block.transactions {
            for output in transaction.outputs where output.satoshis > 0 {
                guard let address = output.address else { continue }
                payments.append(
                    ChainPayment(
                        txid: transaction.txid, outputIndex: output.index, address: address, asset: asset,
                        amount: Decimal(sign: .plus, exponent: -8, significand: Decimal(output.satoshis))))
            }
        }
        return ScannedBlock(height: height, hash: block.hash, parentHash: block.previousBlockHash ?? "", payments: payments)
    }
}
