import BallastCore
import Foundation

/// Bitcoin Core writes amounts as JSON numbers in BTC with 8 decimals (`0.00100000`). They are converted to whole
/// satoshis from the number's text, never through binary floating point, which cannot hold most of them exactly.
public enum BitcoinAmount {
    public static let satoshisPerBitcoin: Int64 = 100_000_000
    /// 21 million BTC: no output can carry more.
    public static let maximumSatoshis: Int64 = 21_000_000 * satoshisPerBitcoin

    /// The satoshis of a JSON number in BTC; nil for a negative amount, more than 8 decimals of a bitcoin, or more
    /// than 21 million BTC.
    public static func satoshis(fromBitcoinText text: String) -> Int64? {
        guard let bitcoins = ExactDecimal.parse(text), bitcoins >= 0 else { return nil }
        let satoshis = bitcoins * Decimal(satoshisPerBitcoin)
        guard satoshis <= Decimal(maximumSatoshis) else { return nil }
        var whole = Decimal()
        var exact = satoshis
        NSDecimalRound(&whole, &exact, 0, .down)
        guard whole == satoshis else { return nil }
        return Int64(exactly: NSDecimalNumber(decimal: whole).int64Value)
    }

    /// The amount as Bitcoin Core writes it: BTC with exactly 8 decimals.
    public static func bitcoinText(satoshis: Int64) -> String {
        let sign = satoshis < 0 ? "-" : ""
        let magnitude = satoshis.magnitude
        let fraction = String(magnitude % UInt64(satoshisPerBitcoin))
        return "\(sign)\(magnitude / UInt64(satoshisPerBitcoin)).\(String(repeating: "0", count: 8 - fraction.count))\(fraction)"
    }
}
