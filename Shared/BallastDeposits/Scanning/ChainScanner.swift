import BallastChains
import Foundation
import Logging
import PostgresNIO

/// Follows one chain from its stored cursor to the node's tip, a bounded number of blocks per call. A block whose parent
/// is not the block recorded before it means a reorganisation: the scanner walks back through the kept hashes to the
/// fork, undoes the blocks above it (`ChainScanStore.rewind`) and scans the new chain from there.
public struct ChainScanner: Sendable {
    public struct Outcome: Sendable, Equatable {
        public var tip: ChainTip
        public var cursor: ChainCursor
        public var blocksScanned = 0
        public var detected = 0
        public var reorganisations: [ChainReorganisation] = []
        public var orphansFailed = 0
        public var caughtUp: Bool { cursor.height >= tip.height }
    }

    public let settings: ChainSettings
    let adapter: any ChainAdapter
    let store: ChainScanStore
    let logger: Logger

    public init(settings: ChainSettings, adapter: any ChainAdapter, store: ChainScanStore, logger: Logger) {
        self.settings = settings
        self.adapter = adapter
        self.store = store
        self.logger = logger
    }

    /// Scans up to `settings.maxBlocksPerScan` blocks. Throws `ChainScanError` with nothing half-done: each block and
    /// each rewind is its own transaction.
    public func scan(fence: Fence = { _ in }) async throws -> Outcome {
        let chain = settings.name
        let tip = try await node { try await adapter.tip() }
        var cursor: ChainCursor
        if let stored = try await store.cursor(chain: chain) {
            cursor = stored
        } else {
            cursor = try await store.start(chain: chain, at: try await startingCursor(tip: tip))
            logger.info("chain scanning starts", metadata: ["chain": "\(chain)", "after_height": "\(cursor.height)"])
        }
        guard tip.height >= cursor.height else {
            throw ChainScanError.heightWentBackwards(chain: chain, nodeHeight: tip.height, scannedHeight: cursor.height)
        }
        // The finalized height counts only once our blocks are known to be on the node's chain (below).
        try await store.recordTip(chain: chain, tip: ChainTip(height: tip.height))
        var outcome = Outcome(tip: tip, cursor: cursor)
        while cursor.height < tip.height && outcome.blocksScanned < settings.maxBlocksPerScan {
            let height = cursor.height + 1
            let block = try await node { try await adapter.block(at: height) }
            if cursor.height >= 0 && block.parentHash != cursor.hash {
                let fork = try await findFork(below: cursor)
                // Our last block is still the node's, yet the next one names another parent: the node contradicts
                // itself (a block without its parent hash, two nodes behind one balancer). Not a reorganisation.
                guard fork != cursor else {
                    throw ChainScanError.node(
                        chain: chain,
                        .unexpectedResult(
                            method: settings.kind == .bitcoin ? "getblock" : "eth_getBlockByNumber",
                            reason:
                                "block \(height) names parent '\(block.parentHash)', but the node's block \(cursor.height) is \(cursor.hash)"
                        ))
                }
                let reorganisation = try await store.rewind(chain: settings, from: cursor, to: fork, fence: fence)
                report(reorganisation)
                outcome.reorganisations.append(reorganisation)
                cursor = fork
                continue
            }
            outcome.detected += try await store.record(block, after: cursor, chain: settings, fence: fence)
            cursor = ChainCursor(height: block.height, hash: block.hash)
            outcome.blocksScanned += 1
        }
        outcome.cursor = cursor
        if let finalized = tip.finalizedHeight, cursor.height >= 0,
            try await node({ try await adapter.blockHash(at: cursor.height) }) == cursor.hash
        {
            try await store.recordTip(chain: chain, tip: ChainTip(height: tip.height, finalizedHeight: min(finalized, cursor.height)))
        }
        if outcome.caughtUp {
            outcome.orphansFailed = try await store.failOrphans(chain: chain, scannedThrough: cursor.height, fence: fence)
        }
        return outcome
    }

    /// The highest block whose stored hash is still the node's: walks down from `cursor` through the kept hashes.
    func findFork(below cursor: ChainCursor) async throws -> ChainCursor {
        let lowest = max(cursor.height - Int64(settings.reorgWindow) + 1, 0)
        let stored = try await store.storedHashes(chain: settings.name, from: lowest, through: cursor.height)
        var height = cursor.height
        while height >= lowest {
            guard let ours = stored[height] else { break }
            let theirs = try await node { try await adapter.blockHash(at: height) }
            if ours == theirs { return ChainCursor(height: height, hash: ours) }
            height -= 1
        }
        if height < 0 { return .beforeGenesis }
        throw ChainScanError.reorgBeyondWindow(chain: settings.name, scannedHeight: cursor.height, window: settings.reorgWindow)
    }

    /// Before the first scan: the block before `startHeight`, or before the tip when none is configured.
    private func startingCursor(tip: ChainTip) async throws -> ChainCursor {
        let first = min(settings.startHeight ?? tip.height, tip.height)
        guard first > 0 else { return .beforeGenesis }
        let hash = try await node { try await adapter.blockHash(at: first - 1) }
        return ChainCursor(height: first - 1, hash: hash)
    }

    private func report(_ reorganisation: ChainReorganisation) {
        var metadata: Logger.Metadata = [
            "chain": "\(reorganisation.chain)", "fork_height": "\(reorganisation.forkHeight)", "depth": "\(reorganisation.depth)",
            "deposits_orphaned": "\(reorganisation.orphaned)", "credits_reversed": "\(reorganisation.reversed.count)",
        ]
        if !reorganisation.reversed.isEmpty {
            metadata["reversed_deposits"] = "\(reorganisation.reversed.map { $0.id.uuidString.lowercased() }.joined(separator: ","))"
        }
        if reorganisation.deeperThanConfirmations {
            logger.error("reorganisation deeper than the confirmations required: credited deposits reversed", metadata: metadata)
        } else {
            logger.warning("reorganisation", metadata: metadata)
        }
    }

    private func node<Value>(_ call: () async throws -> Value) async throws -> Value {
        do {
            return try await call()
        } catch let error as JSONRPCError {
            throw ChainScanError.node(chain: settings.name, error)
        }
    }
}
