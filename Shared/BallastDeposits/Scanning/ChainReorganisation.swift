/// A reorganisation a scanner undid: where the chains forked, how many of our blocks were replaced, what it did to our
/// deposits.
public struct ChainReorganisation: Sendable, Equatable {
    public var chain: String
    public var forkHeight: Int64
    /// Blocks of ours replaced (scanned height − fork height).
    public var depth: Int
    /// Deposits taken out of the chain and not yet credited: `pending` until mined again.
    public var orphaned: Int
    /// Deposits already credited: reversed with a compensating ledger entry and `deposit.reversed`.
    public var reversed: [DepositView]
    /// As deep as the confirmations the chain requires, or undoing a credit (one confirmed by the finalized block):
    /// what was taken as safe was not.
    public var deeperThanConfirmations: Bool
}
