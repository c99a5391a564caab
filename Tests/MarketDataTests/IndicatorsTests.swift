import Foundation
import PropertyBased
import Testing

@testable import BallastMarket

/// The indicators against the worked examples their definers publish: StockCharts ChartSchool's spreadsheets
/// (cs-movavg.xls, cs-rsi.xls, cs-atr.xls) and Hull's volatility estimates. Each published value is rounded, so each
/// comparison allows half a unit in its last published place.
@Suite("Indicators")
struct IndicatorsTests {
    /// |computed − published| within half a unit of the published value's last place.
    static func matches(_ computed: Double?, _ published: Double, places: Int) -> Bool {
        guard let computed else { return false }
        return abs(computed - published) <= 0.5 / pow(10, Double(places)) + 1e-12
    }

    // MARK: EMA

    /// ChartSchool, "Moving Averages - Simple and Exponential", cs-movavg.xls: 30 closes and the 10-day EMA column,
    /// published to 2 decimals. The first EMA is the 10-day SMA (22.22), on the 10th close.
    static let movingAverageCloses = [
        22.2734, 22.1940, 22.0847, 22.1741, 22.1840, 22.1344, 22.2337, 22.4323, 22.2436, 22.2933, 22.1542, 22.3926,
        22.3816, 22.6109, 23.3558, 24.0519, 23.7530, 23.8324, 23.9516, 23.6338, 23.8225, 23.8722, 23.6537, 23.1870,
        23.0976, 23.3260, 22.6805, 23.0976, 22.4025, 22.1725,
    ]
    static let publishedEMA10 = [
        22.22, 22.21, 22.24, 22.27, 22.33, 22.52, 22.80, 22.97, 23.13, 23.28, 23.34, 23.43, 23.51, 23.54, 23.47, 23.40,
        23.39, 23.26, 23.23, 23.08, 22.92,
    ]

    @Test("the 10-day EMA reproduces StockCharts' worked example, blank for the first 9 closes")
    func emaMatchesStockCharts() {
        let ema = Indicators.ema(Self.movingAverageCloses, period: 10)
        #expect(ema.count == Self.movingAverageCloses.count)
        #expect(ema.prefix(9).allSatisfy { $0 == nil })
        #expect(ema.count - 9 == Self.publishedEMA10.count)
        for (computed, published) in zip(ema.dropFirst(9), Self.publishedEMA10) {
            #expect(Self.matches(computed, published, places: 2), "\(String(describing: computed)) against \(published)")
        }
        #expect(Self.matches(Indicators.lastEMA(Self.movingAverageCloses, period: 10), 22.92, places: 2))
    }

    /// alpha = 2/(3+1) = 0.5: seed (1 + 2 + 3) / 3 = 2, then 0.5 × 10 + 0.5 × 2 = 6, then 0.5 × 4 + 0.5 × 6 = 5.
    @Test("a 3-period EMA by hand: seeded with the average of the first 3, then halfway to each new value")
    func emaByHand() {
        #expect(Indicators.ema([1, 2, 3, 10, 4], period: 3) == [nil, nil, 2, 6, 5])
    }

    @Test("a 1-period EMA is the series itself, and the EMA of a constant is that constant")
    func emaDegenerate() {
        #expect(Indicators.ema([3, 1, 4, 1, 5], period: 1) == [3, 1, 4, 1, 5])
        #expect(Indicators.ema(Array(repeating: 7.25, count: 20), period: 5).compactMap { $0 } == Array(repeating: 7.25, count: 16))
    }

    // MARK: RSI

    /// ChartSchool, "Relative Strength Index (RSI)", cs-rsi.xls: 33 QQQQ closes and the 14-day RSI column, to 4
    /// decimals in the spreadsheet (70.53, 66.32, ... in the page's table). The first RSI is on the 15th close.
    static let rsiCloses = [
        44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328,
        45.6140, 46.2820, 46.2820, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515,
        45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
    ]
    static let publishedRSI14 = [
        70.5328, 66.3186, 66.5498, 69.4063, 66.3552, 57.9749, 62.9296, 63.2571, 56.0593, 62.3771, 54.7076, 50.4228,
        39.9898, 41.4605, 41.8689, 45.4632, 37.3040, 33.0795, 37.7730,
    ]

    @Test("the 14-day RSI reproduces StockCharts' worked example, blank for the first 14 closes")
    func rsiMatchesStockCharts() {
        let rsi = Indicators.rsi(closes: Self.rsiCloses, period: 14)
        #expect(rsi.count == Self.rsiCloses.count)
        #expect(rsi.prefix(14).allSatisfy { $0 == nil })
        #expect(rsi.count - 14 == Self.publishedRSI14.count)
        for (computed, published) in zip(rsi.dropFirst(14), Self.publishedRSI14) {
            #expect(Self.matches(computed, published, places: 4), "\(String(describing: computed)) against \(published)")
        }
        #expect(Self.matches(Indicators.lastRSI(closes: Self.rsiCloses, period: 14), 37.77, places: 2))
    }

    /// Changes +2, −1, +3: seed gain (2 + 0) / 2 = 1, loss (0 + 1) / 2 = 0.5, RSI 100 − 100/3 = 66.67; then
    /// gain (1 + 3) / 2 = 2, loss (0.5 + 0) / 2 = 0.25, RS 8, RSI 100 − 100/9 = 88.89.
    @Test("a 2-period RSI by hand")
    func rsiByHand() throws {
        let rsi = Indicators.rsi(closes: [10, 12, 11, 14], period: 2)
        #expect(rsi[0] == nil && rsi[1] == nil)
        #expect(abs(try #require(rsi[2]) - 200.0 / 3) < 1e-12)
        #expect(abs(try #require(rsi[3]) - 800.0 / 9) < 1e-12)
    }

    @Test(
        "without losses the RSI is 100, flat markets included (as TradingView's RSI); without gains it is 0",
        arguments: [
            ([1.0, 2, 3, 4, 5, 6], 100.0),
            ([5.0, 5, 5, 5, 5, 5], 100),
            ([1.0, 2, 2, 3, 3, 4], 100),
            ([6.0, 5, 4, 3, 2, 1], 0),
            ([6.0, 6, 5, 5, 4, 4], 0),
        ] as [([Double], Double)]
    )
    func rsiExtremes(closes: [Double], expected: Double) {
        #expect(Indicators.lastRSI(closes: closes, period: 3) == expected)
    }

    @Test("generated closes: the RSI stays within 0...100 and starts at index `period`")
    func rsiRange() async {
        let closes = Gen.double(in: 0.01...1_000).array(of: 0...60)
        await propertyCheck(count: 1_000, input: closes, Gen.int(in: 1...20)) { closes, period in
            let rsi = Indicators.rsi(closes: closes, period: period)
            #expect(rsi.count == closes.count)
            for (index, value) in rsi.enumerated() {
                if index < period {
                    #expect(value == nil)
                } else {
                    #expect(value.map { (0...100).contains($0) } == true)
                }
            }
        }
    }

    // MARK: ATR

    /// ChartSchool, "Average True Range (ATR)", cs-atr.xls: 30 QQQQ candles with the true range and 14-day ATR
    /// columns (ATR to 6 decimals in the spreadsheet, 0.56, 0.59, ... in the page's table).
    static let atrHighs = [
        48.70, 48.72, 48.90, 48.87, 48.82, 49.05, 49.20, 49.35, 49.92, 50.19, 50.12, 49.66, 49.88, 50.19, 50.36, 50.57,
        50.65, 50.43, 49.63, 50.33, 50.29, 50.17, 49.32, 48.50, 48.3201, 46.80, 47.80, 48.39, 48.66, 48.79,
    ]
    static let atrLows = [
        47.79, 48.14, 48.39, 48.37, 48.24, 48.635, 48.94, 48.86, 49.50, 49.87, 49.20, 48.90, 49.43, 49.725, 49.26, 50.09,
        50.30, 49.21, 48.98, 49.61, 49.20, 49.43, 48.08, 47.64, 41.55, 44.2833, 47.31, 47.20, 47.90, 47.7301,
    ]
    static let atrCloses = [
        48.16, 48.61, 48.75, 48.63, 48.74, 49.03, 49.07, 49.32, 49.91, 50.13, 49.53, 49.50, 49.75, 50.03, 50.31, 50.52,
        50.41, 49.34, 49.37, 50.23, 49.2375, 49.93, 48.43, 48.18, 46.57, 45.41, 47.77, 47.72, 48.62, 47.85,
    ]
    static let publishedTrueRanges = [
        0.91, 0.58, 0.51, 0.50, 0.58, 0.415, 0.26, 0.49, 0.60, 0.32, 0.93, 0.76, 0.45, 0.465, 1.10, 0.48, 0.35, 1.22,
        0.65, 0.96, 1.09, 0.9325, 1.85, 0.86, 6.7701, 2.5167, 2.39, 1.19, 0.94, 1.0599,
    ]
    static let publishedATR14 = [
        0.555, 0.593929, 0.585791, 0.568949, 0.615452, 0.61792, 0.642354, 0.674329, 0.69277, 0.775429, 0.78147,
        1.209229, 1.30262, 1.38029, 1.366698, 1.336219, 1.316482,
    ]

    @Test("the 14-day ATR reproduces StockCharts' worked example, blank for the first 13 candles")
    func atrMatchesStockCharts() {
        let atr = Indicators.atr(highs: Self.atrHighs, lows: Self.atrLows, closes: Self.atrCloses, period: 14)
        #expect(atr.count == Self.atrCloses.count)
        #expect(atr.prefix(13).allSatisfy { $0 == nil })
        #expect(atr.count - 13 == Self.publishedATR14.count)
        for (computed, published) in zip(atr.dropFirst(13), Self.publishedATR14) {
            #expect(Self.matches(computed, published, places: 6), "\(String(describing: computed)) against \(published)")
        }
        #expect(
            Self.matches(Indicators.lastATR(highs: Self.atrHighs, lows: Self.atrLows, closes: Self.atrCloses, period: 14), 1.32, places: 2))
    }

    /// A 1-period ATR is the true range itself: the spreadsheet's column, the first candle's being high − low.
    @Test("true ranges reach back to the previous close, as in StockCharts' true range column")
    func trueRangesMatchStockCharts() {
        let trueRanges = Indicators.atr(highs: Self.atrHighs, lows: Self.atrLows, closes: Self.atrCloses, period: 1)
        #expect(trueRanges.count == Self.publishedTrueRanges.count)
        for (computed, published) in zip(trueRanges, Self.publishedTrueRanges) {
            #expect(Self.matches(computed, published, places: 4), "\(String(describing: computed)) against \(published)")
        }
    }

    /// True ranges: 2 (the first candle's high − low), 2, 2, then max(4, |11 − 11|, |7 − 11|) = 4 after a close of
    /// 11, and max(1, |9 − 8|, |8 − 8|) = 1. ATR (2 + 2 + 2) / 3 = 2, then (2 × 2 + 4) / 3 = 8/3, then
    /// (8/3 × 2 + 1) / 3 = 19/9.
    @Test("a 3-period ATR by hand")
    func atrByHand() throws {
        let atr = Indicators.atr(highs: [10, 11, 12, 11, 9], lows: [8, 9, 10, 7, 8], closes: [9, 10, 11, 8, 8.5], period: 3)
        #expect(atr.count == 5)
        #expect(atr[0] == nil && atr[1] == nil)
        #expect(atr[2] == 2)
        #expect(abs(try #require(atr[3]) - 8.0 / 3) < 1e-12)
        #expect(abs(try #require(atr[4]) - 19.0 / 9) < 1e-12)
    }

    // MARK: Too little data

    @Test("too few values, or a period below 1, give no value but keep the series aligned with its input")
    func tooLittleData() {
        #expect(Indicators.ema([], period: 3) == [])
        #expect(Indicators.ema([1, 2], period: 3) == [nil, nil])
        #expect(Indicators.ema([1, 2, 3], period: 0) == [nil, nil, nil])
        #expect(Indicators.ema([1, 2, 3], period: -2) == [nil, nil, nil])
        #expect(Indicators.lastEMA([1, 2], period: 3) == nil)
        #expect(Indicators.lastEMA([], period: 3) == nil)
        #expect(Indicators.lastEMA([1, 2, 3], period: Int.min) == nil)

        // RSI needs period + 1 closes: 3 closes are 2 changes.
        #expect(Indicators.rsi(closes: [1, 2, 3], period: 3) == [nil, nil, nil])
        #expect(Indicators.lastRSI(closes: [1, 2, 3], period: 3) == nil)
        #expect(Indicators.lastRSI(closes: [1, 2, 3, 4], period: 3) == 100)
        #expect(Indicators.rsi(closes: [], period: 14) == [])
        #expect(Indicators.rsi(closes: [1, 2, 3], period: 0) == [nil, nil, nil])
        #expect(Indicators.lastRSI(closes: [1, 2, 3], period: -1) == nil)

        #expect(Indicators.atr(highs: [2, 3], lows: [1, 2], closes: [1.5, 2.5], period: 3) == [nil, nil])
        #expect(Indicators.lastATR(highs: [2, 3], lows: [1, 2], closes: [1.5, 2.5], period: 3) == nil)
        #expect(Indicators.atr(highs: [2, 3, 4], lows: [1, 2, 3], closes: [1.5, 2.5, 3.5], period: 0) == [nil, nil, nil])
    }

    @Test("highs, lows and closes of different lengths line up with no candle: the ATR is empty")
    func atrMismatchedLengths() {
        #expect(Indicators.atr(highs: [2, 3, 4], lows: [1, 2], closes: [1.5, 2.5, 3.5], period: 1) == [])
        #expect(Indicators.atr(highs: [2, 3], lows: [1, 2], closes: [1.5, 2.5, 3.5], period: 1) == [])
        #expect(Indicators.lastATR(highs: [2, 3, 4], lows: [1, 2, 3], closes: [1.5, 2.5], period: 1) == nil)
    }

    // MARK: Realized volatility

    /// Hull, Options, Futures, and Other Derivatives, the table "Computation of volatility": 21 daily closes, s =
    /// 0.01216 per day (to 5 decimals), 0.01216 × √252 = 0.193 a year (to 3 decimals).
    static let hullCloses = [
        20.00, 20.10, 19.90, 20.00, 20.50, 20.25, 20.90, 20.90, 20.90, 20.75, 20.75, 21.00, 21.10, 20.90, 20.90, 21.25,
        21.40, 21.40, 21.25, 21.75, 22.00,
    ]

    @Test("realized volatility reproduces Hull's estimate from 21 daily closes")
    func realizedVolatilityMatchesHull() throws {
        let annual = try #require(RealizedVolatility.annualized(closes: Self.hullCloses, periodsPerYear: 252))
        #expect(Self.matches(annual, 0.193, places: 3))
        let daily = try #require(RealizedVolatility.annualized(closes: Self.hullCloses, periodsPerYear: 1))
        #expect(Self.matches(daily, 0.01216, places: 5))
    }

    /// A worked example published at pzacademy.com/qa/50785: monthly closes 35, 38, 41, 37, 33, 32 give a standard
    /// deviation of 0.0942 a month and 0.0942 × √12 = 0.326 a year.
    @Test("realized volatility reproduces a published estimate from monthly closes")
    func realizedVolatilityMonthly() throws {
        let annual = try #require(RealizedVolatility.annualized(closes: [35, 38, 41, 37, 33, 32], periodsPerYear: 12))
        #expect(Self.matches(annual, 0.326, places: 3))
    }

    /// Log returns +0.1 and −0.1: mean 0, sample variance (0.01 + 0.01) / (2 − 1) = 0.02; × 100 periods = 2.
    @Test("realized volatility by hand: the sample deviation (m − 1) of log returns, times √periodsPerYear")
    func realizedVolatilityByHand() throws {
        let closes = [100, 100 * exp(0.1), 100]
        let annual = try #require(RealizedVolatility.annualized(closes: closes, periodsPerYear: 100))
        #expect(abs(annual - 2.0.squareRoot()) < 1e-12)
        #expect(RealizedVolatility.annualized(closes: [5, 5, 5, 5], periodsPerYear: 365) == 0)
    }

    @Test(
        "realized volatility needs 3 positive, finite closes and a positive, finite year",
        arguments: [
            ([] as [Double], 365.0),
            ([100], 365),
            ([100, 101], 365),
            ([100, 0, 101], 365),
            ([100, -1, 101], 365),
            ([100, .nan, 101], 365),
            ([100, .infinity, 101], 365),
            ([100, 101, 102], 0),
            ([100, 101, 102], -365),
            ([100, 101, 102], .nan),
            ([100, 101, 102], .infinity),
        ] as [([Double], Double)]
    )
    func realizedVolatilityRefuses(closes: [Double], periodsPerYear: Double) {
        #expect(RealizedVolatility.annualized(closes: closes, periodsPerYear: periodsPerYear) == nil)
    }
}
