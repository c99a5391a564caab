import BallastChains

/// Why a scan stopped without changing anything. Each is logged with the chain; the next run tries again.
public enum ChainScanError: Error, Equatable, CustomStringConvertible {
    /// The node failed, timed out, or answered something unusable (the method is in the error).
    case node(chain: String, JSONRPCError)
    /// The node's best height is below the block already scanned: a node resyncing, or pointed at another network.
    case heightWentBackwards(chain: String, nodeHeight: Int64, scannedHeight: Int64)
    /// The fork of a reorganisation is older than the block hashes kept (`BALLAST_CHAIN_<NAME>_REORG_WINDOW`): an
    /// operator must look before anything more is credited.
    case reorgBeyondWindow(chain: String, scannedHeight: Int64, window: Int)
    /// Another scanner moved the cursor since this one read it (the scheduler's fence normally prevents it).
    case cursorMoved(chain: String)

    public var description: String {
        switch self {
        case .node(let chain, let error): "\(chain): \(error)"
        case .heightWentBackwards(let chain, let node, let scanned):
            "\(chain): the node's height \(node) is below the block already scanned (\(scanned)); nothing changed, retrying later"
        case .reorgBeyondWindow(let chain, let scanned, let window):
            "\(chain): a reorganisation reaches below the last \(window) blocks kept (scanned up to \(scanned)); scanning stopped"
        case .cursorMoved(let chain): "\(chain): another scanner moved the cursor; this scan stopped"
        }
    }
}
