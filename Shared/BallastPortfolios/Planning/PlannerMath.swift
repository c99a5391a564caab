import BallastMarket

/// Exact integer arithmetic on the 1e-8 and 1e-16 units of `FixedDecimal` and `WideDecimal`: products that may pass
/// 128 bits are taken in full width before they are divided.
enum PlannerMath {
    /// 1e-16 units in one 1e-8 unit, and 1e-8 units in one whole.
    static let scale = WideDecimal.unitsPerFixedUnit

    /// `a × b ÷ c` rounded toward zero, or up with `roundingUp`, for `a, b ≥ 0` and `c > 0`; nil when the quotient
    /// does not fit.
    static func multiplyDivide(_ a: Int128, _ b: Int128, _ c: Int128, roundingUp: Bool = false) -> Int128? {
        guard a >= 0, b >= 0, c > 0 else { return nil }
        let product = UInt128(a).multipliedFullWidth(by: UInt128(b))
        guard product.high < UInt128(c) else { return nil }
        let (quotient, remainder) = UInt128(c).dividingFullWidth(product)
        let rounded = roundingUp && remainder > 0 ? quotient + 1 : quotient
        return rounded <= UInt128(Int128.max) ? Int128(rounded) : nil
    }

    /// `value` rounded toward zero to a multiple of `step` (both ≥ 0).
    static func floor(_ value: Int128, toMultipleOf step: Int128) -> Int128 {
        step > 1 ? value - value % step : value
    }

    /// 10^`places`.
    static func power(of places: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<max(0, places) { result *= 10 }
        return result
    }
}
