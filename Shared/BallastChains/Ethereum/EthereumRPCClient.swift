import BallastCore

/// Reads an Ethereum-style node (Ethereum, BSC, Polygon) through its standard JSON-RPC: the
/// tip, blocks with their transactions, and ERC-20 Transfer logs. Every failure is a
/// `JSONRPCError`; an answer in the wrong format is `.unexpectedResult` naming the field.
public struct EthereumRPCClient: Sendable {
    public let rpc: JSONRPCClient

    public init(rpc: JSONRPCClient) {
        self.rpc = rpc
    }

    /// The height of the node's newest block.
    public func blockNumber() async throws(JSONRPCError) -> UInt64 {
        let method = "eth_blockNumber"
        let result = try await rpc.call(method)
        guard let text = result.stringValue else {
            throw .unexpectedResult(method: method, reason: "the height is not a hex string: \(result.serialized.prefix(80))")
        }
        return try Self.reading(method) { () throws(EthereumResponseError) in
            let quantity = try EthereumQuantity(hex: text)
            guard let height = quantity.uint64Value else {
                throw .valueOutOfRange(field: "result", value: quantity.decimalString)
            }
            return height
        }
    }

    /// The block at `tag` with its full transactions; nil when the node has no such block yet
    /// (a height above the tip), as nodes answer `null` then.
    public func block(_ tag: EthereumBlockTag) async throws(JSONRPCError) -> EthereumBlock? {
        let method = "eth_getBlockByNumber"
        let result = try await rpc.call(method, [.string(tag.parameter), .bool(true)])
        if result == .null { return nil }
        let block = try Self.reading(method) { () throws(EthereumResponseError) in try EthereumBlock(json: result) }
        // A scanner stores the hash under the height it asked for: another height would corrupt its cursor.
        if case .number(let height) = tag, block.number != height {
            throw .unexpectedResult(method: method, reason: "asked for block \(height), the node sent block \(block.number)")
        }
        return block
    }

    /// The ERC-20 transfers emitted by `tokens` in blocks `fromBlock...toBlock`, in chain order.
    /// Only the Transfer event is asked for, so other events of the same contracts never arrive.
    public func transfers(
        of tokens: [EthereumAddress], fromBlock: UInt64, toBlock: UInt64
    ) async throws(JSONRPCError) -> [ERC20Transfer] {
        try await transfers(
            of: tokens,
            in: [
                ("fromBlock", .string(EthereumBlockTag.number(fromBlock).parameter)),
                ("toBlock", .string(EthereumBlockTag.number(toBlock).parameter)),
            ])
    }

    /// The ERC-20 transfers of `tokens` in exactly the block with `blockHash` (EIP-234). A scanner
    /// that read a block uses it to get that block's logs and no other's: between its two calls
    /// a reorganisation may have put another block at the same height. A hash no longer in the
    /// chain is an RPC error (geth: -32000 "unknown block").
    public func transfers(of tokens: [EthereumAddress], blockHash: String) async throws(JSONRPCError) -> [ERC20Transfer] {
        try await transfers(of: tokens, in: [("blockHash", .string(blockHash))])
    }

    private func transfers(
        of tokens: [EthereumAddress], in blocks: [(key: String, value: JSONValue)]
    ) async throws(JSONRPCError) -> [ERC20Transfer] {
        let method = "eth_getLogs"
        guard !tokens.isEmpty else { return [] }
        let filter: JSONValue = .object(
            blocks + [
                ("address", .array(tokens.map { .string($0.lowercased) })),
                ("topics", .array([.string(ERC20Transfer.eventTopic)])),
            ])
        let result = try await rpc.call(method, [filter])
        guard let logs = result.arrayValue else {
            throw .unexpectedResult(method: method, reason: "the logs are not an array")
        }
        return try Self.reading(method) { () throws(EthereumResponseError) in
            try logs.map { (log) throws(EthereumResponseError) in try ERC20Transfer(log: log) }
        }
    }

    private static func reading<Value>(
        _ method: String, _ read: () throws(EthereumResponseError) -> Value
    ) throws(JSONRPCError) -> Value {
        do {
            return try read()
        } catch {
            throw .unexpectedResult(method: method, reason: error.description)
        }
    }
}
