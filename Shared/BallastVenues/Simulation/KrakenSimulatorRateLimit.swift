import Foundation

/// Kraken's REST call counter for one API key: each private call adds to it (trade and ledger history 2, others 1;
/// AddOrder and CancelOrder are limited by the matching engine instead, not here), it decays every second, and a call
/// that would take it past the maximum is answered `EAPI:Rate limit exceeded`.
public struct KrakenSimulatorRateLimit: Sendable, Equatable {
    public var maximum: Decimal
    public var decayPerSecond: Decimal

    public init(maximum: Decimal, decayPerSecond: Decimal) {
        self.maximum = maximum
        self.decayPerSecond = decayPerSecond
    }

    /// Kraken's tiers, as its rate-limit documentation gives them.
    public static let starter = KrakenSimulatorRateLimit(maximum: 15, decayPerSecond: Decimal(string: "0.33")!)
    public static let intermediate = KrakenSimulatorRateLimit(maximum: 20, decayPerSecond: Decimal(string: "0.5")!)
    public static let pro = KrakenSimulatorRateLimit(maximum: 20, decayPerSecond: 1)

    /// What a call to `method` adds to the counter; 0 for the methods this counter leaves alone.
    static func cost(of method: String) -> Decimal {
        switch method {
        case "AddOrder", "CancelOrder": 0
        case "TradesHistory", "QueryTrades", "Ledgers", "QueryLedgers": 2
        default: 1
        }
    }
}
