/// The last block a scanner recorded: its height and hash. `-1` and `""` stand before the first block.
public struct ChainCursor: Sendable, Equatable {
    public var height: Int64
    public var hash: String

    public init(height: Int64, hash: String) {
        self.height = height
        self.hash = hash
    }

    public static let beforeGenesis = ChainCursor(height: -1, hash: "")
}
