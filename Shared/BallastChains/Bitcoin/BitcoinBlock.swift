import BallastCore

/// A block as `getblock` with verbosity 2 describes it, reduced to what a scanner needs: its place in the chain
/// (height, hash, parent) and the outputs of its transactions.
public struct BitcoinBlock: Sendable, Equatable {
    public var hash: String
    public var height: Int
    /// Nil only for the genesis block.
    public var previousBlockHash: String?
    /// Seconds since 1970 (the header's `time`).
    public var time: Int64
    /// -1 when the block is no longer on the best chain (a reorganisation left it).
    public var confirmations: Int
    public var transactions: [BitcoinTransaction]

    public init(hash: String, height: Int, previousBlockHash: String?, time: Int64, confirmations: Int, transactions: [BitcoinTransaction])
    {
        self.hash = hash
        self.height = height
        self.previousBlockHash = previousBlockHash
        self.time = time
        self.confirmations = confirmations
        self.transactions = transactions
    }

    /// Reads the result of `getblock <hash> 2`; the error names the member that is missing or malformed.
    public init(verboseJSON json: JSONValue) throws(BitcoinBlockFormatError) {
        guard let hash = json["hash"]?.stringValue else { throw BitcoinBlockFormatError("the block has no hash") }
        guard let height = json["height"]?.integerValue else { throw BitcoinBlockFormatError("block \(hash) has no integer height") }
        guard let time = json["time"]?.integerValue else { throw BitcoinBlockFormatError("block \(hash) has no integer time") }
        let previous = json["previousblockhash"]
        guard previous == nil || previous?.stringValue != nil else {
            throw BitcoinBlockFormatError("block \(hash): previousblockhash is not a string")
        }
        guard let entries = json["tx"]?.arrayValue else { throw BitcoinBlockFormatError("block \(hash) has no tx array") }
        var transactions: [BitcoinTransaction] = []
        transactions.reserveCapacity(entries.count)
        for entry in entries {
            // Verbosity 1 lists txids only: a scanner asking for 2 and getting strings would miss every deposit.
            guard let txid = entry["txid"]?.stringValue else {
                throw BitcoinBlockFormatError("block \(hash): a transaction has no txid (verbosity 2 expected)")
            }
            guard let vout = entry["vout"]?.arrayValue else { throw BitcoinBlockFormatError("transaction \(txid) has no vout array") }
            var outputs: [BitcoinOutput] = []
            for output in vout {
                guard let index = output["n"]?.integerValue else {
                    throw BitcoinBlockFormatError("transaction \(txid): an output has no n")
                }
                guard case .number(let value)? = output["value"], let satoshis = BitcoinAmount.satoshis(fromBitcoinText: value) else {
                    throw BitcoinBlockFormatError(
                        "transaction \(txid) output \(index): value is not an amount in BTC with at most 8 decimals")
                }
                // Bitcoin Core before 22 wrote `addresses` (an array) instead of `address`.
                let script = output["scriptPubKey"]
                let address = script?["address"]?.stringValue ?? script?["addresses"]?.arrayValue?.first?.stringValue
                outputs.append(BitcoinOutput(index: index, satoshis: satoshis, address: address))
            }
            transactions.append(BitcoinTransaction(txid: txid, outputs: outputs))
        }
        self.init(
            hash: hash, height: height, previousBlockHash: previous?.stringValue, time: Int64(time),
            confirmations: json["confirmations"]?.integerValue ?? 0, transactions: transactions)
    }
}
