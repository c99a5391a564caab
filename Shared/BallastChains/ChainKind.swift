/// The JSON-RPC dialect a chain's node speaks.
public enum ChainKind: String, Sendable, Codable, CaseIterable {
    /// Bitcoin Core and its forks: `getblockcount`, `getblockhash`, `getblock` with verbosity 2.
    case bitcoin
    /// Ethereum and EVM chains (BSC, Polygon): `eth_blockNumber`, `eth_getBlockByNumber`, `eth_getLogs`.
    case ethereum
}
