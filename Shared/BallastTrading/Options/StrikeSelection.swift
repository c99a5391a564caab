/// Which strike to pick relative to the spot price (docs/options.md, "Choosing a contract").
///
/// - `strikesAway` 0: the listed strike nearest to the spot (the lower one at exactly halfway), whatever the
///   moneyness.
/// - `strikesAway` n ≥ 1 with moneyness `.otm` (or none): the n-th listed strike out of the money, counted from the
///   spot: for a call the n-th smallest strike strictly above the spot, for a put the n-th largest strictly below it.
/// - `strikesAway` n ≥ 1 with moneyness `.itm`: the mirror, the n-th strike in the money; a negative `strikesAway`
///   with no moneyness means the same (−2 = 2 strikes in the money).
/// - A negative `strikesAway` with a moneyness contradicts itself and is refused.
///
/// A strike equal to the spot is neither in nor out of the money, so counting never starts at it.
public struct StrikeSelection: Sendable, Equatable {
    /// 0 = at the money (nearest strike to spot), 1 = the next strike out of the money, ...; negative = into the money
    public var strikesAway: Int
    /// the bridges' `intrinsicValue` itm/otm: with strikesAway n ≥ 1, the n-th strike in or out of the money
    public var moneyness: Moneyness?

    public init(strikesAway: Int = 0, moneyness: Moneyness? = nil) {
        self.strikesAway = strikesAway
        self.moneyness = moneyness
    }

    public static let atTheMoney = StrikeSelection()
}
