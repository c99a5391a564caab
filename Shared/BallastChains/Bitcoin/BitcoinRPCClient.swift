import BallastCore

/// The calls a deposit scanner makes to Bitcoin Core: the tip's height, the hash at a height, and a block with its
/// transactions (`getblock` verbosity 2).
public struct BitcoinRPCClient: Sendable {
    public let rpc: JSONRPCClient

    public init(rpc: JSONRPCClient) { self.rpc = rpc }

    /// The height of the best chain's tip (`getblockcount`).
    public func blockCount() async throws(JSONRPCError) -> Int {
        let result = try await rpc.call("getblockcount")
        guard let count = result.integerValue, count >= 0 else {
            throw .unexpectedResult(
                method: "getblockcount", reason: "expected a non-negative integer, got \(result.serialized.prefix(100))")
        }
        return count
    }

    /// The hash of the best chain's block at `height` (`getblockhash`); past the tip the node answers
    /// `.rpc(code: -8)`.
    public func blockHash(height: Int) async throws(JSONRPCError) -> String {
        let result = try await rpc.call("getblockhash", [.integer(height)])
        guard let hash = result.stringValue, Self.isBlockHash(hash) else {
            throw .unexpectedResult(method: "getblockhash", reason: "expected 64 hex digits, got \(result.serialized.prefix(100))")
        }
        return hash
    }

    /// The hash of the best chain's tip (`getbestblockhash`).
    public func bestBlockHash() async throws(JSONRPCError) -> String {
        let result = try await rpc.call("getbestblockhash")
        guard let hash = result.stringValue, Self.isBlockHash(hash) else {
            throw .unexpectedResult(method: "getbestblockhash", reason: "expected 64 hex digits, got \(result.serialized.prefix(100))")
        }
        return hash
    }

    /// The block `hash` with its transactions (`getblock` verbosity 2); an unknown hash gives `.rpc(code: -5)`.
    /// A block a reorganisation left is still known, with `confirmations` -1.
    public func block(hash: String) async throws(JSONRPCError) -> BitcoinBlock {
        let result = try await rpc.call("getblock", [.string(hash), .integer(2)])
        do {
            return try BitcoinBlock(verboseJSON: result)
        } catch {
            throw .unexpectedResult(method: "getblock", reason: error.description)
        }
    }

    /// The best chain's block at `height`. Two calls, so a reorganisation between them can give a block of the new
    /// chain at that height; the scanner checks parent links anyway.
    public func block(height: Int) async throws(JSONRPCError) -> BitcoinBlock {
        try await block(hash: blockHash(height: height))
    }

    static func isBlockHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }
    }
}
