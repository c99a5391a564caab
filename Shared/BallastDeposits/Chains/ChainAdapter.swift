import BallastChains

/// A node as the scanner reads it, whatever JSON-RPC dialect it speaks. Every failure is a `JSONRPCError` naming the
/// method.
public protocol ChainAdapter: Sendable {
    func tip() async throws(JSONRPCError) -> ChainTip
    /// The hash of the block at `height` in the node's best chain.
    func blockHash(at height: Int64) async throws(JSONRPCError) -> String
    /// The block at `height` in the node's best chain, with its payments.
    func block(at height: Int64) async throws(JSONRPCError) -> ScannedBlock
}

extension ChainSettings {
    /// The adapter for this chain's node.
    public func makeAdapter() -> any ChainAdapter {
        let rpc = JSONRPCClient(url: url, credentials: credentials, timeout: timeout)
        switch kind {
        case .bitcoin: return BitcoinChainAdapter(client: BitcoinRPCClient(rpc: rpc), asset: asset)
        case .ethereum: return EthereumChainAdapter(client: EthereumRPCClient(rpc: rpc), settings: self)
        }
    }
}
