import BallastMarket
import Foundation

/// The `confirmed` engine's check of an entry against its market (`ConfirmationSettings`): the trend and momentum
/// agree with the side, or the refusal says which did not and by how much.
struct EntryConfirmation: Equatable {
    /// ATR(`atrPeriod`) at the last closed candle, in the quote currency.
    var averageTrueRange: Decimal

    /// Confirms an entry on `side` (a buy enters long, a sell short) or names the rule it fails: `no_candles` when
    /// market-data has too few closed candles, `trend_not_confirmed`, `momentum_not_confirmed`.
    static func check(
        entering side: OrderSide, symbol: String, candles all: CandleSeries, settings: ConfirmationSettings
    ) -> Result<EntryConfirmation, RiskViolation> {
        let candles = all.suffix(settings.candlesNeeded)
        let interval = settings.interval.rawValue
        guard candles.count >= settings.candlesRequired,
            let fast = Indicators.lastEMA(candles.closes, period: settings.fastEMA),
            let slow = Indicators.lastEMA(candles.closes, period: settings.slowEMA),
            let rsi = Indicators.lastRSI(closes: candles.closes, period: settings.rsiPeriod),
            let atr = Indicators.lastATR(highs: candles.highs, lows: candles.lows, closes: candles.closes, period: settings.atrPeriod)
        else {
            return .failure(
                RiskViolation(
                    rule: "no_candles",
                    message: "the confirmed engine needs \(settings.candlesRequired) closed \(interval) candles of \(symbol); "
                        + "market-data has \(candles.count)"))
        }
        let emaText = "EMA(\(settings.fastEMA)) \(Self.text(fast)) vs EMA(\(settings.slowEMA)) \(Self.text(slow)) on \(interval)"
        let rsiText = "RSI(\(settings.rsiPeriod)) on \(interval) is \(Self.text(rsi))"
        switch side {
        case .buy:
            guard fast > slow else {
                return .failure(RiskViolation(rule: "trend_not_confirmed", message: "a long entry needs an uptrend: \(emaText)"))
            }
            guard Decimal(rsi) <= settings.rsiMaxForLong else {
                return .failure(
                    RiskViolation(
                        rule: "momentum_not_confirmed",
                        message: "a long entry needs RSI at most \(settings.rsiMaxForLong): \(rsiText)"))
            }
        case .sell:
            guard fast < slow else {
                return .failure(RiskViolation(rule: "trend_not_confirmed", message: "a short entry needs a downtrend: \(emaText)"))
            }
            guard Decimal(rsi) >= settings.rsiMinForShort else {
                return .failure(
                    RiskViolation(
                        rule: "momentum_not_confirmed",
                        message: "a short entry needs RSI at least \(settings.rsiMinForShort): \(rsiText)"))
            }
        }
        guard atr > 0, atr.isFinite else {
            return .failure(
                RiskViolation(
                    rule: "no_volatility", message: "ATR(\(settings.atrPeriod)) of \(symbol) on \(interval) is 0: no range to size by"))
        }
        return .success(EntryConfirmation(averageTrueRange: Self.decimal(atr)))
    }

    /// The quantity that loses `riskPercent` of `equity` if the price moves `atrStopMultiple` ATRs against the entry.
    func riskSizedQuantity(equity: Decimal, settings: ConfirmationSettings) -> Decimal {
        let stopDistance = averageTrueRange * settings.atrStopMultiple
        guard stopDistance > 0, equity > 0 else { return 0 }
        return (equity * settings.riskPercent / 100 / stopDistance).rounded(.down)
    }

    /// The stop `atrStopMultiple` ATRs from `entry` against the side.
    func stopLoss(entry: Decimal, side: OrderSide, settings: ConfirmationSettings) -> Decimal {
        let distance = averageTrueRange * settings.atrStopMultiple
        return side == .buy ? entry - distance : entry + distance
    }

    /// A floating-point indicator as an exact decimal of 8 places (what a chart shows, and what money math may use).
    static func decimal(_ value: Double) -> Decimal {
        (Decimal(string: String(format: "%.8f", value)) ?? 0)
    }

    private static func text(_ value: Double) -> String { String(format: "%.2f", value) }
}
