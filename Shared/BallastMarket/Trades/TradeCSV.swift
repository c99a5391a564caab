/// Trade files for `ballast trades replay`: a header `timestamp,symbol,price,quantity,side,trade_id`, then one
/// trade per line; `timestamp` in epoch milliseconds or RFC 3339.
public enum TradeCSV {
    public static let header = "timestamp,symbol,price,quantity,side,trade_id"

    /// The trade on `line`, or why it is not one.
    public static func trade(from line: Substring) -> Result<Trade, TradeCSVError> {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        guard fields.count == 6 else { return .failure(TradeCSVError("expected 6 fields, got \(fields.count)")) }
        guard let time = TradeMessage.epochMilliseconds(String(fields[0])) else {
            return .failure(TradeCSVError("timestamp '\(fields[0])' is neither epoch milliseconds nor RFC 3339"))
        }
        guard let symbol = MarketSymbol.normalized(String(fields[1])) else {
            return .failure(TradeCSVError("symbol '\(fields[1])' is not a symbol"))
        }
        guard let price = FixedDecimal(fields[2]) else {
            return .failure(TradeCSVError("price '\(fields[2])' is not a decimal with at most 8 decimals"))
        }
        guard let quantity = FixedDecimal(fields[3]) else {
            return .failure(TradeCSVError("quantity '\(fields[3])' is not a decimal with at most 8 decimals"))
        }
        guard let side = TradeSide(rawValue: fields[4].lowercased()) else {
            return .failure(TradeCSVError("side '\(fields[4])' is neither buy nor sell"))
        }
        guard let id = Int64(fields[5]) else { return .failure(TradeCSVError("trade_id '\(fields[5])' is not an integer")) }
        do {
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

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" || text.last == "\r" { text.removeLast() }
        return text
    }
}
