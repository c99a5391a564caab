import BallastCore
import Foundation

/// What became of a `MarketOrderTicket`.
public struct MarketOrderResult: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        case filled
        /// Sent to an exchange account's exchange: filled when the exchange reports it.
        case submitted
        /// A dry run's order the exchange checked and would accept (nothing placed).
        case validated
        case rejected
    }

    public var clientOrderID: String
    public var orderID: UUID?
    public var symbol: String
    public var side: OrderSide
    public var status: Status
    public var requestedQuantity: Decimal
    public var filledQuantity: Decimal
    public var price: Decimal?
    public var fee: Decimal
    /// The quote currency paid (a buy, fee included) or received (a sell, fee taken off).
    public var value: Decimal
    public var reason: String?

    public init(
        clientOrderID: String, orderID: UUID?, symbol: String, side: OrderSide, status: Status, requestedQuantity: Decimal,
        filledQuantity: Decimal, price: Decimal?, fee: Decimal, value: Decimal, reason: String?
    ) {
        self.clientOrderID = clientOrderID
        self.orderID = orderID
        self.symbol = symbol
        self.side = side
        self.status = status
        self.requestedQuantity = requestedQuantity
        self.filledQuantity = filledQuantity
        self.price = price
        self.fee = fee
        self.value = value
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case clientOrderID = "clientOrderId"
        case orderID = "orderId"
        case symbol, side, status, requestedQuantity, filledQuantity, price, fee, value, reason
    }

    // Amounts are decimal strings, as everywhere in the API, so no reader parses them as binary floating point.

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func amount(_ key: CodingKeys) throws -> Decimal {
            let text = try container.decode(String.self, forKey: key)
            guard let value = ExactDecimal.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "'\(text)' is not a decimal")
            }
            return value
        }
        clientOrderID = try container.decode(String.self, forKey: .clientOrderID)
        orderID = try container.decodeIfPresent(UUID.self, forKey: .orderID)
        symbol = try container.decode(String.self, forKey: .symbol)
        side = try container.decode(OrderSide.self, forKey: .side)
        status = try container.decode(Status.self, forKey: .status)
        requestedQuantity = try amount(.requestedQuantity)
        filledQuantity = try amount(.filledQuantity)
        price = try container.decodeIfPresent(String.self, forKey: .price) == nil ? nil : try amount(.price)
        fee = try amount(.fee)
        value = try amount(.value)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(clientOrderID, forKey: .clientOrderID)
        try container.encode(orderID, forKey: .orderID)
        try container.encode(symbol, forKey: .symbol)
        try container.encode(side, forKey: .side)
        try container.encode(status, forKey: .status)
        try container.encode("\(requestedQuantity)", forKey: .requestedQuantity)
        try container.encode("\(filledQuantity)", forKey: .filledQuantity)
        try container.encode(price.map { "\($0)" }, forKey: .price)
        try container.encode("\(fee)", forKey: .fee)
        try container.encode("\(value)", forKey: .value)
        try container.encode(reason, forKey: .reason)
    }
}
