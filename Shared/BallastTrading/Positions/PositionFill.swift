import Foundation

/// One fill as it reaches a position.
public struct PositionFill: Sendable, Equatable {
    public var side: OrderSide
    public var quantity: Decimal
    public var price: Decimal
    public var fee: Decimal

    public init(side: OrderSide, quantity: Decimal, price: Decimal, fee: Decimal) {
        self.side = side
        self.quantity = quantity
        self.price = price
        self.fee = fee
    }
}
