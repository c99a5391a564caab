import BallastCore
import Foundation
import Synchronization

/// An in-memory EVM chain that answers the standard Ethereum JSON-RPC (`eth_blockNumber`,
/// `eth_getBlockByNumber`, `eth_getLogs`) through `JSONRPCServer`, so the adapter is tested
/// against the protocol. Tests drive it directly; over the wire the `ballast_` methods do the
/// same, and no real node has them.
public final class EthereumNodeSimulator: Sendable {
    private let chain: Mutex<EthereumSimulatedChain>

    /// `finalityDepth`: how many blocks the `finalized` tag lags the tip (post-merge mainnet is
    /// about 64).
    public init(finalityDepth: UInt64 = 64) {
        chain = Mutex(
            EthereumSimulatedChain(
                finalityDepth: finalityDepth, genesisTimestamp: Self.now))
    }

    public var height: UInt64 { chain.withLock { $0.tip.number } }

    /// Puts a native payment from the simulator's faucet in the mempool; it is in the next block.
    @discardableResult
    public func pay(to address: EthereumAddress, wei: EthereumQuantity) -> String {
        chain.withLock { $0.pay(to: address, wei: wei) }
    }

    /// Puts a call of the token's `transfer` in the mempool; mined, it emits a Transfer log.
    @discardableResult
    public func transferToken(contract: EthereumAddress, to address: EthereumAddress, amount: EthereumQuantity) -> String {
        chain.withLock { $0.transferToken(contract: contract, to: address, amount: amount) }
    }

    /// Mines `count` blocks and returns their hashes.
    @discardableResult
    public func mine(_ count: Int = 1) -> [String] { chain.withLock { $0.mine(count, now: Self.now) } }

    /// Replaces the last `depth` blocks (see `EthereumSimulatedChain.reorganize`). Unlike a real
    /// chain it may go below the finalized block, to test what a scanner does then.
    public func reorganize(depth: Int, reincluding: Bool = true) throws(EthereumSimulatorError) {
        try chain.withLock { (chain) throws(EthereumSimulatorError) in
            try chain.reorganize(depth: depth, reincluding: reincluding, now: Self.now)
        }
    }

    /// Mines a block every `interval` until the task is cancelled, like a chain's slot clock.
    public func mineEvery(_ interval: Duration) async {
        while (try? await Task.sleep(for: interval)) != nil { mine() }
    }

    /// Serves the JSON-RPC on `host`:`port` until the task is cancelled, mining a block every
    /// `blockInterval` when given; `onListening` gets the bound port.
    public func run(
        host: String = "127.0.0.1", port: Int = 0, blockInterval: Duration? = nil,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let blockInterval { group.addTask { await self.mineEvery(blockInterval) } }
            group.addTask { try await self.server.run(host: host, port: port, onListening: onListening) }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// The code geth gives the errors of the node itself, such as an unknown block.
    static let serverErrorCode = -32000

    private static var now: UInt64 { UInt64(Date().timeIntervalSince1970) }

    /// The JSON-RPC endpoint; run it with `run(host:port:)` or `withRunning`.
    public var server: JSONRPCServer {
        JSONRPCServer(handlers: handlers)
    }

    private var handlers: [String: JSONRPCServer.Handler] {
        [
            "eth_blockNumber": { _ in .string(EthereumBlockTag.number(self.height).parameter) },
            "eth_getBlockByNumber": { params in try self.blockByNumber(params) },
            "eth_getLogs": { params in try self.logs(params) },
            "ballast_mine": { params in
                let count = try params.optionalInteger(0, "count") ?? 1
                guard (1...10_000).contains(count) else { throw JSONRPCErrorObject.invalidParams("count must be 1 to 10000") }
                return .array(self.mine(count).map { .string($0) })
            },
            "ballast_pay": { params in
                let address = try Self.address(params, 0, "to")
                return .string(self.pay(to: address, wei: try Self.quantity(params, 1, "wei")))
            },
            "ballast_transferToken": { params in
                let contract = try Self.address(params, 0, "contract")
                let address = try Self.address(params, 1, "to")
                let amount = try Self.quantity(params, 2, "amount")
                return .string(self.transferToken(contract: contract, to: address, amount: amount))
            },
            "ballast_reorg": { params in
                let depth = try params.integer(0, "depth")
                let reincluding = params.value(1, "reincluding")?.boolValue ?? true
                do {
                    try self.reorganize(depth: depth, reincluding: reincluding)
                } catch {
                    throw JSONRPCErrorObject.invalidParams(String(describing: error))
                }
                return .string(self.chain.withLock { $0.tip.hash })
            },
        ]
    }

    private func blockByNumber(_ params: JSONRPCParameters) throws(JSONRPCErrorObject) -> JSONValue {
        let tag = try params.string(0, "block")
        guard let full = params.value(1, "fullTransactions")?.boolValue else {
            throw .invalidParams("missing value for required argument 1")
        }
        return try chain.withLock { (chain) throws(JSONRPCErrorObject) -> JSONValue in
            // Resolved under the lock, so the tag and the block come from the same chain.
            let height = try Self.height(of: tag, in: chain)
            return chain.block(at: height).map { Self.json($0, fullTransactions: full) } ?? .null
        }
    }

    private func logs(_ params: JSONRPCParameters) throws(JSONRPCErrorObject) -> JSONValue {
        guard let filter = params.value(0, "filter"), case .object = filter else {
            throw .invalidParams("missing value for required argument 0")
        }
        var contracts: Set<EthereumAddress> = []
        switch filter["address"] {
        case nil, .null?: break
        case .string(let text)?: contracts.insert(try Self.address(text))
        case .array(let values)?:
            for value in values {
                guard let text = value.stringValue else { throw .invalidParams("invalid address") }
                contracts.insert(try Self.address(text))
            }
        default: throw .invalidParams("invalid address")
        }
        let wantsTransfers = try Self.firstTopicAdmitsTransfer(filter["topics"])
        return try chain.withLock { (chain) throws(JSONRPCErrorObject) -> JSONValue in
            let range: ClosedRange<UInt64>
            if let blockHash = filter["blockHash"]?.stringValue {
                guard filter["fromBlock"] == nil, filter["toBlock"] == nil else {
                    throw .invalidParams("cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other")
                }
                // Only the canonical chain is kept: the hash of a reorganised block is unknown, as on geth.
                guard let block = chain.blocks.first(where: { $0.hash == blockHash.lowercased() }) else {
                    throw JSONRPCErrorObject(code: Self.serverErrorCode, message: "unknown block")
                }
                range = block.number...block.number
            } else {
                let from = try Self.height(of: filter["fromBlock"]?.stringValue ?? "latest", in: chain)
                let to = try Self.height(of: filter["toBlock"]?.stringValue ?? "latest", in: chain)
                guard from <= to else { throw .invalidParams("invalid block range params") }
                range = from...to
            }
            guard wantsTransfers else { return .array([]) }
            return .array(chain.logs(in: range, contracts: contracts).map(Self.json))
        }
    }

    /// Only Transfer logs exist here, so a filter matches them unless its first topic names
    /// other events; topics after the first (sender, receiver) are not filtered on.
    private static func firstTopicAdmitsTransfer(_ topics: JSONValue?) throws(JSONRPCErrorObject) -> Bool {
        guard let topics, topics != .null else { return true }
        guard let entries = topics.arrayValue else { throw .invalidParams("topics must be an array") }
        switch entries.first {
        case nil, .null?: return true
        case .string(let topic)?: return topic.lowercased() == ERC20Transfer.eventTopic
        case .array(let choices)?: return choices.contains { $0.stringValue?.lowercased() == ERC20Transfer.eventTopic }
        default: throw .invalidParams("invalid topic")
        }
    }

    /// A block parameter as geth reads it: a tag or a hex quantity without leading zeros. A
    /// height above the tip is returned as it is (the block is then `null`).
    private static func height(of tag: String, in chain: EthereumSimulatedChain) throws(JSONRPCErrorObject) -> UInt64 {
        switch tag {
        case "latest", "pending", "safe": return chain.tip.number
        case "finalized": return chain.finalized.number
        case "earliest": return 0
        default:
            let height: UInt64?
            do {
                height = try EthereumQuantity(hex: tag).uint64Value
            } catch {
                throw .invalidParams("invalid block number \(JSONValue.quoted(String(tag.prefix(80)))): \(error.description)")
            }
            guard let height, tag.hasPrefix("0x"), tag == "0x0" || !tag.hasPrefix("0x0") else {
                throw .invalidParams("invalid block number \(JSONValue.quoted(String(tag.prefix(80))))")
            }
            return height
        }
    }

    private static func address(_ params: JSONRPCParameters, _ position: Int, _ name: String) throws(JSONRPCErrorObject) -> EthereumAddress
    {
        try address(params.string(position, name))
    }

    private static func address(_ text: String) throws(JSONRPCErrorObject) -> EthereumAddress {
        do {
            return try EthereumAddress(text)
        } catch {
            throw .invalidParams(error.description)
        }
    }

    private static func quantity(
        _ params: JSONRPCParameters, _ position: Int, _ name: String
    ) throws(JSONRPCErrorObject) -> EthereumQuantity {
        let text = try params.string(position, name)
        guard let quantity = try? EthereumQuantity(hex: text) else {
            throw .invalidParams("\(name) must be a hex quantity such as 0x2a, got \(JSONValue.quoted(String(text.prefix(80))))")
        }
        return quantity
    }

    private static func json(_ block: EthereumSimulatedChain.Block, fullTransactions: Bool) -> JSONValue {
        let transactions: [JSONValue] = block.transactions.enumerated().map { index, transaction in
            guard fullTransactions else { return .string(transaction.hash) }
            return .object([
                ("hash", .string(transaction.hash)),
                ("blockHash", .string(block.hash)),
                ("blockNumber", .string(EthereumBlockTag.number(block.number).parameter)),
                ("transactionIndex", .string(EthereumBlockTag.number(UInt64(index)).parameter)),
                ("from", .string(transaction.from.lowercased)),
                ("to", .string(transaction.to.lowercased)),
                ("value", .string(transaction.value.hexString)),
                ("input", .string(transaction.tokenTransfer.map(transferCallData) ?? "0x")),
            ])
        }
        return .object([
            ("number", .string(EthereumBlockTag.number(block.number).parameter)),
            ("hash", .string(block.hash)),
            ("parentHash", .string(block.parentHash)),
            ("timestamp", .string(EthereumBlockTag.number(block.timestamp).parameter)),
            ("transactions", .array(transactions)),
        ])
    }

    private static func json(_ log: EthereumSimulatedChain.Log) -> JSONValue {
        .object([
            ("address", .string(log.transfer.contract.lowercased)),
            ("topics", .array([.string(ERC20Transfer.eventTopic), .string(log.transfer.from.topic), .string(log.transfer.to.topic)])),
            ("data", .string(log.transfer.amount.paddedHexString)),
            ("blockNumber", .string(EthereumBlockTag.number(log.block.number).parameter)),
            ("blockHash", .string(log.block.hash)),
            ("transactionHash", .string(log.transactionHash)),
            ("transactionIndex", .string(EthereumBlockTag.number(UInt64(log.transactionIndex)).parameter)),
            ("logIndex", .string(EthereumBlockTag.number(UInt64(log.logIndex)).parameter)),
            ("removed", .bool(false)),
        ])
    }

    /// The input of a `transfer(address,uint256)` call: its selector 0xa9059cbb, then the
    /// receiver and the amount, 32 bytes each.
    private static func transferCallData(_ transfer: EthereumSimulatedChain.TokenTransfer) -> String {
        "0xa9059cbb" + transfer.to.topic.dropFirst(2) + transfer.amount.paddedHexString.dropFirst(2)
    }
}
