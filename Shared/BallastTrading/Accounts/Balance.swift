import Foundation

/// A balance of one asset: what is free to trade and what open orders hold back.
public struct Balance: Sendable, Equatable, Codable {
    public var asset: String
    public var available: Decimal
    public var locked: Decimal

    public init(asset: String, available: Decimal, locked: Decimal) {
        self.asset = asset
        self.available = available
        self.locked = locked
    }

    public var total: Decimal { available + locked }
}
