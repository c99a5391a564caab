/// Technical indicators over candle values, computed as TradingView's Pine `ta.*` functions and StockCharts'
/// ChartSchool define them; docs/indicators.md has the definitions, the seeding and the references.
///
/// Conventions every indicator here follows:
/// - A series function returns one value per input value, oldest first, `nil` until the indicator is seeded
///   (the published tables leave those rows blank too). The `last…` functions return the newest value.
/// - `period` counts values (candles), not time: a 14-period RSI of hourly candles looks back 14 hours.
/// - A period below 1 never seeds: every value is `nil`.
/// - The math is `Double`: indicators feed decisions, never amounts of money. Values must be finite; a NaN or an
///   infinity makes every later value of a smoothed series NaN or infinite, as it would in Pine.
public enum Indicators {}
