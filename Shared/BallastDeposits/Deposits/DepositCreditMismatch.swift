/// A credit pass posted ledger entries for more deposits than it could mark credited: it rolls back rather than leave
/// an entry beside a deposit that would be credited again.
public struct DepositCreditMismatch: Error, CustomStringConvertible {
    public var posted: Int
    public var marked: Int

    public var description: String { "credit pass posted \(posted) deposits but marked \(marked) credited; rolled back" }
}
