import BallastCore

/// The columns of a trade file for `ballast trades replay`: a header naming `timestamp,symbol,price,quantity,side,trade_id`
/// (in any order and case; other columns are ignored), then one trade per record. `timestamp` in epoch milliseconds or
/// RFC 3339; `trade_id` the venue's id as text (`TradeID`). Fields are trimmed of spaces and tabs (and other Unicode
/// spaces: `trimmingEdgeWhitespace()`).
public struct TradeCSV: Sendable {
    public static let columns = ["timestamp", "symbol", "price", "quantity", "side", "trade_id"]
    public static let header = columns.joined(separator: ",")

    /// Where each of `columns` is in a record, and how many fields a record has.
    private let positions: [Int]
    private let fieldCount: Int

    /// The layout the header `fields` gives, or why they are no header.
    public init(header fields: [String]) throws(TradeCSVError) {
        var positions: [String: Int] = [:]
        for (index, field) in fields.enumerated() {
            let name = field.trimmingEdgeWhitespace().lowercased()
            guard Self.columns.contains(name) else { continue }
            guard positions[name] == nil else { throw Self.notHeader("column \(name) appears twice") }
            positions[name] = index
        }
        let missing = Self.columns.filter { positions[$0] == nil }
        guard missing.isEmpty else { throw Self.notHeader("missing \(missing.joined(separator: ", "))") }
        self.positions = Self.columns.compactMap { positions[$0] }
        fieldCount = fields.count
    }

    static func notHeader(_ detail: String) -> TradeCSVError {
        TradeCSVError("the first line must be the header \(header) (columns in any order): \(detail)")
    }

    /// The trade in a record's `fields`, or why there is none.
    public func trade(from fields: [String]) -> Result<Trade, TradeCSVError> {
        guard fields.count == fieldCount else { return .failure(TradeCSVError("expected \(fieldCount) fields, got \(fields.count)")) }
        let timestamp = fields[positions[0]].trimmingEdgeWhitespace()
        let symbolText = fields[positions[1]].trimmingEdgeWhitespace()
        let priceText = fields[positions[2]].trimmingEdgeWhitespace()
        let quantityText = fields[positions[3]].trimmingEdgeWhitespace()
        let sideText = fields[positions[4]].trimmingEdgeWhitespace()
        let idText = fields[positions[5]].trimmingEdgeWhitespace()
        guard let time = TradeMessage.epochMilliseconds(timestamp) else {
            return .failure(TradeCSVError("timestamp '\(timestamp)' is neither epoch milliseconds nor RFC 3339"))
        }
        guard let symbol = MarketSymbol.normalized(symbolText) else {
            return .failure(TradeCSVError("symbol '\(symbolText)' is not a symbol"))
        }
        guard let price = FixedDecimal(priceText) else {
            return .failure(TradeCSVError("price '\(priceText)' is not a decimal with at most 8 decimals"))
        }
        guard let quantity = FixedDecimal(quantityText) else {
            return .failure(TradeCSVError("quantity '\(quantityText)' is not a decimal with at most 8 decimals"))
        }
        guard let side = TradeSide(rawValue: sideText.lowercased()) else {
            return .failure(TradeCSVError("side '\(sideText)' is neither buy nor sell"))
        }
        do {
            let id = try TradeID(idText)
            return .success(try Trade(symbol: symbol, price: price, quantity: quantity, side: side, id: id, time: time))
        } catch {
            return .failure(TradeCSVError("\(error)"))
        }
    }
}

public struct TradeCSVError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
