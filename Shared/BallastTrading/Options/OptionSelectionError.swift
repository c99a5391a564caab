import Foundation

/// Why a chain has no contract for a request, with a message a trader can act on that names the field to change
/// (`field`): `expiration`, `strike` or `strikesAway`.
public enum OptionSelectionError: Error, Equatable, CustomStringConvertible {
    /// The expiration names a date with no listed expiry, or lies beyond the last one; `listed` are the chain's.
    case noExpiry(expiration: ExpirationRule, listed: [Date])
    /// The expiration names an expiry (08:00 UTC on its date) at or before `now`.
    case expiryInPast(expiration: Date, now: Date)
    /// No listed strike answers the request; `alternatives` are the strikes the trader could ask for instead.
    case noStrike(StrikeRequest, alternatives: [Decimal])
    /// Both a strike and a strike selection were given: which one decides is not for the chain to guess.
    case strikeAndSelection(strike: Decimal, selection: StrikeSelection)
    /// A negative `strikesAway` (into the money) with a moneyness.
    case contradictorySelection(StrikeSelection)

    /// What a `noStrike` asked for.
    public enum StrikeRequest: Sendable, Equatable {
        /// An explicit strike that is not a positive multiple of the chain's step (nil when the chain has none);
        /// the alternatives are the valid strikes either side of it.
        case strike(Decimal, step: Decimal?)
        /// A selection that walks off the listed strikes; the alternatives are the listed strikes in its direction,
        /// nearest the spot first (none when the chain lists no strikes).
        case selection(StrikeSelection, OptionKind)
    }

    /// The request field the message is about.
    public var field: String {
        switch self {
        case .noExpiry, .expiryInPast: "expiration"
        case .noStrike(.strike, _), .strikeAndSelection: "strike"
        case .noStrike(.selection, _), .contradictorySelection: "strikesAway"
        }
    }

    public var description: String {
        switch self {
        case .noExpiry(.on(let date), let listed):
            "expiration: no option expires on \(Self.text(date)); \(Self.listing(listed))"
        case .noExpiry(.after(let days), let listed):
            "expiration: no option expires \(days) days or more from today; \(Self.listing(listed))"
        case .noExpiry(.nearest, let listed):
            "expiration: \(Self.listing(listed))"
        case .expiryInPast(let expiration, let now):
            "expiration: \(Self.text(expiration)) 08:00 UTC has passed (it is \(Self.text(now)) now); "
                + "ask for a later date or a relative expiration such as +7d"
        case .noStrike(.strike(_, step: nil), _):
            "strike: no strikes are listed, as there is no price for the underlying"
        case .noStrike(.strike(let strike, let step?), let alternatives) where strike <= 0:
            "strike: \(strike.plainText) is not a strike; strikes are positive multiples of \(step.plainText)"
                + Self.nearest(alternatives)
        case .noStrike(.strike(let strike, let step?), let alternatives):
            "strike: \(strike.plainText) is not a multiple of the strike step \(step.plainText)\(Self.nearest(alternatives))"
        case .noStrike(.selection(let selection, let kind), let alternatives):
            Self.offChain(selection, kind, alternatives)
        case .strikeAndSelection(let strike, let selection):
            "strike: \(strike.plainText) was given with strikesAway \(selection.strikesAway); "
                + "send strike for that contract or strikesAway to pick from the chain, not both"
        case .contradictorySelection(let selection):
            "strikesAway: \(selection.strikesAway) (into the money) contradicts intrinsicValue "
                + "\(selection.moneyness?.rawValue ?? "none"); send a positive strikesAway with itm or otm, "
                + "or a signed strikesAway alone"
        }
    }

    private static func offChain(_ selection: StrikeSelection, _ kind: OptionKind, _ listed: [Decimal]) -> String {
        if selection.strikesAway == 0 {
            return "strikesAway: no strikes are listed, so none is at the money for a \(kind.rawValue)"
        }
        let side = (selection.moneyness ?? (selection.strikesAway < 0 ? .itm : .otm)) == .itm ? "in" : "out of"
        let request = "strikesAway: a \(kind.rawValue) \(strikes(selection.strikesAway.magnitude)) \(side) the money is off the chain; "
        guard let farthest = listed.last else { return request + "no strikes are listed \(side) the money" }
        let available = listed.count == 1 ? "1 strike is" : "\(listed.count) strikes are"
        return request + "\(available) listed \(side) the money, the farthest \(farthest.plainText)"
    }

    private static func strikes(_ count: UInt) -> String {
        count == 1 ? "1 strike" : "\(count) strikes"
    }

    private static func nearest(_ strikes: [Decimal]) -> String {
        switch strikes.count {
        case 0: ""
        case 1: "; the nearest strike is \(strikes[0].plainText)"
        default: "; the nearest strikes are \(strikes.map(\.plainText).joined(separator: " and "))"
        }
    }

    private static func listing(_ expiries: [Date]) -> String {
        expiries.isEmpty
            ? "no expiries are listed"
            : "listed expiries (08:00 UTC) are \(expiries.map(text).joined(separator: ", "))"
    }

    private static func text(_ date: Date) -> String {
        ExpiryCalendar.isoText(ofDay: ExpiryCalendar.day(of: date))
    }
}
