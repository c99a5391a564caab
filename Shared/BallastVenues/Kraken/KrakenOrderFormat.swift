import BallastCore
import BallastTrading
import Foundation

/// Quantities and prices as AddOrder takes them: text with exactly the pair's decimals. Kraken refuses more decimals
/// than the pair allows, so they are rounded here, each in the direction that never does more than was asked.
public enum KrakenOrderFormat {
    /// `quantity` rounded down to `decimals` places: never more than the order asked for (nor than the balance that
    /// sized it).
    public static func volume(_ quantity: Decimal, decimals: Int) -> String {
        fixed(quantity.rounded(.down, places: decimals), decimals: decimals)
    }

    /// A limit price rounded to `decimals` places toward the side's advantage: a buy's down, a sell's up, so the order
    /// never pays more, or accepts less, than its limit.
    public static func limitPrice(_ price: Decimal, side: OrderSide, decimals: Int) -> String {
        fixed(price.rounded(side == .buy ? .down : .up, places: decimals), decimals: decimals)
    }

    /// `value` (already rounded) written with exactly `decimals` places and no exponent (`37500.0`, `0.00100000`).
    static func fixed(_ value: Decimal, decimals: Int) -> String {
        let text = value.description
        guard decimals > 0 else { return text }
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        return String(parts[0]) + "." + fraction + String(repeating: "0", count: max(0, decimals - fraction.count))
    }
}
