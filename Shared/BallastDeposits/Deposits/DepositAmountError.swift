import Foundation

/// A stored amount that does not read back as an exact decimal. The columns are `numeric` written from `Decimal`, so it
/// means a corrupted row: the pass stops rather than credit or reverse a wrong amount.
public struct DepositAmountError: Error, CustomStringConvertible {
    public var deposit: UUID
    public var amount: String

    public var description: String { "deposit \(deposit.uuidString.lowercased()): amount '\(amount)' is not an exact decimal" }
}
