/// Which block `eth_getBlockByNumber` and `eth_getLogs` mean: a height or a named tag.
public enum EthereumBlockTag: Sendable, Hashable {
    case number(UInt64)
    /// The tip; it can still be reorganised away.
    case latest
    /// The newest block the chain's consensus will not revert (post-merge Ethereum; some EVM
    /// chains lack it, and their adapter counts confirmations instead).
    case finalized

    /// The parameter as it goes on the wire.
    public var parameter: String {
        switch self {
        case .number(let height): "0x" + String(height, radix: 16)
        case .latest: "latest"
        case .finalized: "finalized"
        }
    }
}
