import BallastCore
import Foundation

extension OptionChain {
    /// The contract a signal asks for (docs/options.md, "Choosing a contract"): the expiry by `expiration`, then the
    /// strike, either `strike` itself (any positive multiple of the step, listed or not) or by `selection`
    /// (`StrikeSelection` has the rules); with neither, the at-the-money strike.
    public func select(
        kind: OptionKind, strike: Decimal?, expiration: ExpirationRule, selection: StrikeSelection?
    ) throws(OptionSelectionError) -> OptionContract {
        let expiry = try expiry(for: expiration)
        let chosen: Decimal
        switch (strike, selection) {
        case (let strike?, let selection?): throw .strikeAndSelection(strike: strike, selection: selection)
        case (let strike?, nil): chosen = try validated(strike)
        case (nil, let selection): chosen = try self.strike(for: selection ?? .atTheMoney, kind: kind)
        }
        return OptionContract(underlying: underlying, expiry: expiry, strike: chosen, kind: kind)
    }

    private func expiry(for rule: ExpirationRule) throws(OptionSelectionError) -> Date {
        let today = ExpiryCalendar.day(of: now)
        let found: Date?
        switch rule {
        case .nearest:
            found = expiries.first
        case .on(let date):
            let day = ExpiryCalendar.day(of: date)
            let expiry = ExpiryCalendar.expiry(onDay: day)
            guard expiry > now else { throw .expiryInPast(expiration: expiry, now: now) }
            found = expiries.first { ExpiryCalendar.day(of: $0) == day }
        case .after(let days):
            guard days >= 0 else { throw .expiryInPast(expiration: ExpiryCalendar.expiry(onDay: today + Int64(days)), now: now) }
            found = expiries.first { ExpiryCalendar.day(of: $0) - today >= days }
        }
        guard let found else { throw .noExpiry(expiration: rule, listed: expiries) }
        return found
    }

    private func validated(_ strike: Decimal) throws(OptionSelectionError) -> Decimal {
        guard let step = strikeStep else { throw .noStrike(.strike(strike, step: nil), alternatives: []) }
        guard strike > 0 else { throw .noStrike(.strike(strike, step: step), alternatives: [step]) }
        let below = (strike / step).rounded(.down, places: 0) * step
        guard below != strike else { return strike }
        throw .noStrike(.strike(strike, step: step), alternatives: [below, below + step].filter { $0 > 0 })
    }

    private func strike(for selection: StrikeSelection, kind: OptionKind) throws(OptionSelectionError) -> Decimal {
        if selection.strikesAway == 0 {
            guard let atTheMoney = atTheMoneyStrike else { throw .noStrike(.selection(selection, kind), alternatives: []) }
            return atTheMoney
        }
        if selection.strikesAway < 0, selection.moneyness != nil { throw .contradictorySelection(selection) }
        let moneyness = selection.moneyness ?? (selection.strikesAway < 0 ? .itm : .otm)
        // Out of the money is above the spot for a call and below it for a put; in the money the other way.
        let above = (kind == .call) == (moneyness == .otm)
        let candidates = above ? strikes.filter { $0 > spot } : strikes.filter { $0 < spot }.reversed()
        let count = selection.strikesAway.magnitude
        guard count <= candidates.count else { throw .noStrike(.selection(selection, kind), alternatives: candidates) }
        return candidates[Int(count) - 1]
    }
}
