import BallastCore
import BallastMarket
import Foundation

// The ledger keeps amounts as `Decimal`; the planner computes in fixed point. Both directions go through the exact
// decimal text, so no value passes through binary floating point.

extension Decimal {
    public init(_ value: FixedDecimal) {
        self = ExactDecimal.parse(value.description) ?? 0
    }

    public init(_ value: WideDecimal) {
        self = ExactDecimal.parse(value.description) ?? 0
    }
}

extension FixedDecimal {
    /// `value` when it has at most 8 decimals and fits; nil otherwise.
    init?(exactly value: Decimal) {
        self.init("\(value)")
    }

    /// `value` rounded toward zero to 8 decimals; nil when it does not fit.
    init?(truncating value: Decimal) {
        self.init(exactly: value.rounded(.down, places: FixedDecimal.scale))
    }
}
