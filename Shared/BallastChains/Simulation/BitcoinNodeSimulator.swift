import BallastCore
import Foundation
import Logging

/// An in-memory Bitcoin chain served over Bitcoin Core's JSON-RPC, so that chain adapters are tested against the
/// protocol. It answers `getblockcount`, `getblockhash`, `getbestblockhash` and `getblock` (verbosity 0, 1, 2) with
/// Bitcoin Core's shapes and error codes, and `generatetoaddress` (regtest's way to mine). Two methods exist only
/// here, to drive it from tests and demos: `ballast_pay` (address, amount in BTC) and `ballast_reorg` (depth,
/// keep_transactions).
public actor BitcoinNodeSimulator {
    /// Where block rewards go when no address is given.
    public static let defaultMinerAddress = "bcrt1qsimulatorminer000000000000000000000000"
    /// 50 BTC, regtest's first subsidy.
    public static let blockReward: Int64 = 50 * BitcoinAmount.satoshisPerBitcoin

    private var blocksByHash: [String: SimulatedBitcoinBlock] = [:]
    /// The best chain's hashes, index = height.
    private var bestChain: [String] = []
    /// Payments waiting for the next block, in order.
    private var mempool: [SimulatedBitcoinTransaction] = []

    public init(genesisTime: Date = Date()) {
        let genesis = SimulatedBitcoinBlock(
            hash: Self.randomHex(), height: 0, previousHash: nil, time: Int64(genesisTime.timeIntervalSince1970),
            transactions: [Self.coinbase(to: Self.defaultMinerAddress)])
        blocksByHash[genesis.hash] = genesis
        bestChain = [genesis.hash]
    }

    /// The tip's height (0 with only the genesis block).
    public var height: Int { bestChain.count - 1 }

    /// The best chain's hash at `height`, nil past the tip.
    public func hash(at height: Int) -> String? { bestChain.indices.contains(height) ? bestChain[height] : nil }

    public func block(hash: String) -> SimulatedBitcoinBlock? { blocksByHash[hash] }

    /// Mines `blocks` blocks on the tip; the first takes every waiting payment. Returns their hashes.
    @discardableResult
    public func mine(blocks: Int = 1, rewardAddress: String = BitcoinNodeSimulator.defaultMinerAddress) -> [String] {
        (0..<max(0, blocks)).map { _ in mineOne(rewardAddress: rewardAddress) }
    }

    /// Queues a transaction with one output of `satoshis` to `address` for the next mined block; returns its txid.
    @discardableResult
    public func pay(address: String, satoshis: Int64) -> String {
        let transaction = SimulatedBitcoinTransaction(
            txid: Self.randomHex(), outputs: [.init(address: address, satoshis: satoshis)], isCoinbase: false)
        mempool.append(transaction)
        return transaction.txid
    }

    /// Replaces the last `depth` blocks by a fork one block longer, as when a competing miner's chain wins. With
    /// `keepTransactions` the payments of the replaced blocks go into the fork's first block (same txids, new
    /// blocks); without, they are gone, as a double-spend would make them. Returns the fork's hashes.
    @discardableResult
    public func reorganize(depth: Int, keepTransactions: Bool = true) -> [String] {
        let depth = min(max(0, depth), height)  // the genesis block stays
        let removed = bestChain.suffix(depth)
        bestChain.removeLast(depth)
        if keepTransactions {
            let orphaned = removed.flatMap { blocksByHash[$0]?.transactions.filter { !$0.isCoinbase } ?? [] }
            mempool = orphaned + mempool
        }
        return mine(blocks: depth + 1)
    }

    private func mineOne(rewardAddress: String) -> String {
        let parent = blocksByHash[bestChain[bestChain.count - 1]]!
        // Strictly increasing times keep the chain readable when several blocks are mined in one second.
        let time = max(parent.time + 1, Int64(Date().timeIntervalSince1970))
        let block = SimulatedBitcoinBlock(
            hash: Self.randomHex(), height: parent.height + 1, previousHash: parent.hash, time: time,
            transactions: [Self.coinbase(to: rewardAddress)] + mempool)
        mempool = []
        blocksByHash[block.hash] = block
        bestChain.append(block.hash)
        return block.hash
    }

    // MARK: JSON-RPC

    /// The server answering this chain's JSON-RPC.
    public nonisolated var server: JSONRPCServer {
        JSONRPCServer(
            handlers: [
                "getblockcount": { _ in .integer(await self.height) },
                "getbestblockhash": { _ in .string(await self.bestChain[self.bestChain.count - 1]) },
                "getblockhash": { params in try await self.answerBlockHash(params) },
                "getblock": { params in try await self.answerBlock(params) },
                "generatetoaddress": { params in
                    let count = try params.integer(0, "nblocks")
                    let address = try params.string(1, "address")
                    guard (0...10_000).contains(count) else { throw JSONRPCErrorObject.invalidParams("nblocks must be 0 to 10000") }
                    return .array(await self.mine(blocks: count, rewardAddress: address).map { .string($0) })
                },
                "ballast_pay": { params in
                    let address = try params.string(0, "address")
                    guard case .number(let text)? = params.value(1, "amount"), let satoshis = BitcoinAmount.satoshis(fromBitcoinText: text),
                        satoshis > 0
                    else { throw JSONRPCErrorObject(code: BitcoinRPCErrorCode.invalidParameter, message: "Invalid amount") }
                    return .string(await self.pay(address: address, satoshis: satoshis))
                },
                "ballast_reorg": { params in
                    let depth = try params.integer(0, "depth")
                    let keep = params.value(1, "keep_transactions")?.boolValue ?? true
                    guard depth >= 1 else {
                        throw JSONRPCErrorObject(code: BitcoinRPCErrorCode.invalidParameter, message: "depth must be at least 1")
                    }
                    return .array(await self.reorganize(depth: depth, keepTransactions: keep).map { .string($0) })
                },
            ], logger: Logger(label: "bitcoin-node-simulator"))
    }

    /// Serves the chain on `host`:`port` (0: a port the kernel picks) until the task is cancelled, mining a block
    /// every `blockInterval` when one is given; `onListening` gets the port once connections are accepted.
    public nonisolated func run(
        host: String = "127.0.0.1", port: Int = 0, blockInterval: Duration? = nil,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let server = self.server
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(host: host, port: port, onListening: onListening) }
            if let blockInterval {
                group.addTask {
                    while true {
                        try await Task.sleep(for: blockInterval)
                        await self.mine()
                    }
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Serves the chain on 127.0.0.1 for the length of `body`, which gets the endpoint's URL.
    public nonisolated func withRunning<Value: Sendable>(_ body: @Sendable (_ url: String) async throws -> Value) async throws -> Value {
        try await server.withRunning(body)
    }

    private func answerBlockHash(_ params: JSONRPCParameters) throws(JSONRPCErrorObject) -> JSONValue {
        let height = try params.integer(0, "height")
        guard let hash = hash(at: height) else {
            throw JSONRPCErrorObject(code: BitcoinRPCErrorCode.invalidParameter, message: "Block height out of range")
        }
        return .string(hash)
    }

    private func answerBlock(_ params: JSONRPCParameters) throws(JSONRPCErrorObject) -> JSONValue {
        let hash = try params.string(0, "blockhash")
        guard hash.utf8.count == 64 else {
            throw JSONRPCErrorObject(
                code: BitcoinRPCErrorCode.invalidParameter,
                message: "blockhash must be of length 64 (not \(hash.utf8.count), for '\(hash)')")
        }
        guard hash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }) else {
            throw JSONRPCErrorObject(
                code: BitcoinRPCErrorCode.invalidParameter, message: "blockhash must be hexadecimal string (not '\(hash)')")
        }
        // Bitcoin Core also takes a boolean: true is 1, false is 0.
        let verbosity: Int
        switch params.value(1, "verbosity") {
        case nil: verbosity = 1
        case .bool(let verbose)?: verbosity = verbose ? 1 : 0
        case .number(let text)?:
            guard let number = Int(text) else { throw .invalidParams("verbosity must be an integer") }
            verbosity = number
        default: throw .invalidParams("verbosity must be a number or a boolean")
        }
        guard let block = blocksByHash[hash.lowercased()] else {
            throw JSONRPCErrorObject(code: BitcoinRPCErrorCode.invalidAddressOrKey, message: "Block not found")
        }
        return BitcoinBlockJSON(block: block, bestChain: bestChain).json(verbosity: verbosity)
    }

    static func coinbase(to address: String) -> SimulatedBitcoinTransaction {
        SimulatedBitcoinTransaction(txid: randomHex(), outputs: [.init(address: address, satoshis: blockReward)], isCoinbase: true)
    }

    static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
        }.joined()
    }
}
