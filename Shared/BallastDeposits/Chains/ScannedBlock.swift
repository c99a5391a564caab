/// A block as the scanner needs it: where it is, what it follows, and every payment in it.
public struct ScannedBlock: Sendable, Equatable {
    public var height: Int64
    public var hash: String
    public var parentHash: String
    public var payments: [ChainPayment]

    public init(height: Int64, hash: String, parentHash: String, payments: [ChainPayment]) {
        self.height = height
        self.hash = hash
        self.parentHash = parentHash
        self.payments = payments
    }
}
