/// The state of a simulated EVM chain, without the network: blocks linked by parent hash, a
/// mempool, native payments and ERC-20 Transfer logs. `EthereumNodeSimulator` serves it.
struct EthereumSimulatedChain: Sendable {
    struct TokenTransfer: Sendable {
        var contract: EthereumAddress
        var from: EthereumAddress
        var to: EthereumAddress
        var amount: EthereumQuantity
    }

    struct Transaction: Sendable {
        var hash: String
        var from: EthereumAddress
        var to: EthereumAddress
        var value: EthereumQuantity
        /// Set for a call of the token's `transfer`, which emits one Transfer log.
        var tokenTransfer: TokenTransfer?
    }

    struct Block: Sendable {
        var number: UInt64
        var hash: String
        var parentHash: String
        var timestamp: UInt64
        var transactions: [Transaction]
    }

    struct Log: Sendable {
        var transfer: TokenTransfer
        var block: Block
        var transactionHash: String
        var transactionIndex: Int
        var logIndex: Int
    }

    /// Where the simulated payments come from: an account that is never one of ours.
    static let faucet = try! EthereumAddress("0x000000000000000000000000000000000000fa0c")
    private(set) var blocks: [Block]
    private(set) var pending: [Transaction] = []
    /// How many blocks the `finalized` tag stays behind the tip.
    var finalityDepth: UInt64

    init(finalityDepth: UInt64, genesisTimestamp: UInt64) {
        self.finalityDepth = finalityDepth
        blocks = [
            Block(
                number: 0, hash: Self.randomHash(), parentHash: "0x" + String(repeating: "0", count: 64),
                timestamp: genesisTimestamp, transactions: [])
        ]
    }

    var tip: Block { blocks[blocks.count - 1] }

    var finalized: Block { blocks[Int(tip.number > finalityDepth ? tip.number - finalityDepth : 0)] }

    func block(at height: UInt64) -> Block? { height < blocks.count ? blocks[Int(height)] : nil }

    mutating func pay(to address: EthereumAddress, wei: EthereumQuantity) -> String {
        let transaction = Transaction(hash: Self.randomHash(), from: Self.faucet, to: address, value: wei)
        pending.append(transaction)
        return transaction.hash
    }

    mutating func transferToken(contract: EthereumAddress, to address: EthereumAddress, amount: EthereumQuantity) -> String {
        let transfer = TokenTransfer(contract: contract, from: Self.faucet, to: address, amount: amount)
        let transaction = Transaction(
            hash: Self.randomHash(), from: Self.faucet, to: contract, value: .zero, tokenTransfer: transfer)
        pending.append(transaction)
        return transaction.hash
    }

    /// Mines `count` blocks stamped `now`; the first takes every pending transaction. A block's
    /// time is at least its parent's plus one second, as consensus rules demand.
    mutating func mine(_ count: Int, now: UInt64) -> [String] {
        (0..<count).map { _ in
            let parent = tip
            let block = Block(
                number: parent.number + 1, hash: Self.randomHash(), parentHash: parent.hash,
                timestamp: max(parent.timestamp + 1, now), transactions: pending)
            pending = []
            blocks.append(block)
            return block.hash
        }
    }

    /// Replaces the last `depth` blocks by as many new ones with other hashes. Their
    /// transactions go back to the mempool and into the first new block when `reincluding`,
    /// or vanish (a double spend won the other branch) when not.
    mutating func reorganize(depth: Int, reincluding: Bool, now: UInt64) throws(EthereumSimulatorError) {
        guard depth >= 1, depth < blocks.count else {
            throw .reorganizationTooDeep(depth: depth, height: tip.number)
        }
        let orphaned = blocks.suffix(depth).flatMap(\.transactions)
        blocks.removeLast(depth)
        pending = reincluding ? orphaned + pending : pending
        _ = mine(depth, now: now)
    }

    /// The Transfer logs of `contracts` (every contract when empty) in `range`, in chain order.
    func logs(in range: ClosedRange<UInt64>, contracts: Set<EthereumAddress>) -> [Log] {
        guard range.lowerBound < blocks.count else { return [] }
        let upper = min(range.upperBound, tip.number)
        var found: [Log] = []
        for block in blocks[Int(range.lowerBound)...Int(upper)] {
            var logIndex = 0
            for (transactionIndex, transaction) in block.transactions.enumerated() {
                guard let transfer = transaction.tokenTransfer else { continue }
                if contracts.isEmpty || contracts.contains(transfer.contract) {
                    found.append(
                        Log(
                            transfer: transfer, block: block, transactionHash: transaction.hash,
                            transactionIndex: transactionIndex, logIndex: logIndex))
                }
                logIndex += 1
            }
        }
        return found
    }

    /// 32 random bytes: the simulator does not hash block contents, it only needs hashes that
    /// differ, so that a reorganised block is told apart from the one it replaced.
    static func randomHash() -> String {
        "0x"
            + (0..<4).map { _ in
                let digits = String(UInt64.random(in: .min ... .max), radix: 16)
                return String(repeating: "0", count: 16 - digits.count) + digits
            }.joined()
    }
}
