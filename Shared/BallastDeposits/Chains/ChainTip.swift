/// The node's view of its chain: the best block's height, and its finalized block's where the chain has one.
public struct ChainTip: Sendable, Equatable {
    public var height: Int64
    public var finalizedHeight: Int64?

    public init(height: Int64, finalizedHeight: Int64? = nil) {
        self.height = height
        self.finalizedHeight = finalizedHeight
    }
}
