import Foundation
import Testing

@testable import BallastTrading

/// Choosing a contract from BTC-USD's chain at 97,400 on Monday 2026-12-07 10:00 UTC: strikes 87,000 to 107,000 in
/// steps of 1,000, at the money 97,000; expiries 12-08, 12-09, 12-10, 12-11, 12-18, 12-25, 01-01, 01-29, 02-26.
@Suite("Strike selection")
struct StrikeSelectionTests {
    static let now = instant("2026-12-07T10:00:00Z")
    static let chain = OptionChain(underlying: "BTC-USD", spot: 97_400, now: now, settings: .crypto)
    static let friday = instant("2026-12-11T08:00:00Z")

    static func select(
        _ kind: OptionKind, strike: String? = nil, expiration: ExpirationRule = .on(friday), _ selection: StrikeSelection?,
        in chain: OptionChain = chain
    ) throws(OptionSelectionError) -> OptionContract {
        try chain.select(kind: kind, strike: strike.map(decimal), expiration: expiration, selection: selection)
    }

    @Test(
        "strikesAway counts listed strikes from the spot: out of the money up for a call and down for a put",
        arguments: [
            (OptionKind.call, nil, "97000"),
            (.put, nil, "97000"),
            (.call, StrikeSelection.atTheMoney, "97000"),
            (.call, StrikeSelection(strikesAway: 0, moneyness: .itm), "97000"),
            (.put, StrikeSelection(strikesAway: 0, moneyness: .otm), "97000"),
            (.call, StrikeSelection(strikesAway: 1), "98000"),
            (.call, StrikeSelection(strikesAway: 1, moneyness: .otm), "98000"),
            (.call, StrikeSelection(strikesAway: 2, moneyness: .otm), "99000"),
            (.call, StrikeSelection(strikesAway: 10, moneyness: .otm), "107000"),
            (.call, StrikeSelection(strikesAway: 1, moneyness: .itm), "97000"),
            (.call, StrikeSelection(strikesAway: -1), "97000"),
            (.call, StrikeSelection(strikesAway: 3, moneyness: .itm), "95000"),
            (.call, StrikeSelection(strikesAway: -11), "87000"),
            (.put, StrikeSelection(strikesAway: 1), "97000"),
            (.put, StrikeSelection(strikesAway: 1, moneyness: .otm), "97000"),
            (.put, StrikeSelection(strikesAway: 11, moneyness: .otm), "87000"),
            (.put, StrikeSelection(strikesAway: 1, moneyness: .itm), "98000"),
            (.put, StrikeSelection(strikesAway: -2), "99000"),
            (.put, StrikeSelection(strikesAway: 10, moneyness: .itm), "107000"),
        ] as [(OptionKind, StrikeSelection?, String)]
    )
    func selected(kind: OptionKind, selection: StrikeSelection?, strike: String) throws {
        let contract = try Self.select(kind, selection)
        #expect(contract == OptionContract(underlying: "BTC-USD", expiry: Self.friday, strike: decimal(strike), kind: kind))
    }

    /// With the spot on a strike, that strike is at the money and neither in nor out of it.
    @Test(
        "a strike equal to the spot is at the money, never the first strike in or out of it",
        arguments: [
            (OptionKind.call, StrikeSelection.atTheMoney, "97000"),
            (.call, StrikeSelection(strikesAway: 1, moneyness: .otm), "98000"),
            (.call, StrikeSelection(strikesAway: 1, moneyness: .itm), "96000"),
            (.put, StrikeSelection(strikesAway: 1, moneyness: .otm), "96000"),
            (.put, StrikeSelection(strikesAway: 1, moneyness: .itm), "98000"),
        ] as [(OptionKind, StrikeSelection, String)]
    )
    func spotOnAStrike(kind: OptionKind, selection: StrikeSelection, strike: String) throws {
        let chain = OptionChain(underlying: "BTC-USD", spot: 97_000, now: Self.now, settings: .crypto)
        #expect(try Self.select(kind, selection, in: chain).strike == decimal(strike))
    }

    @Test("at exactly halfway between two strikes, at the money is the lower one, for calls and puts")
    func halfway() throws {
        let chain = OptionChain(underlying: "BTC-USD", spot: 97_500, now: Self.now, settings: .crypto)
        for kind in OptionKind.allCases {
            #expect(try Self.select(kind, .atTheMoney, in: chain).strike == 97_000)
        }
    }

    @Test(
        "an explicit strike is any positive multiple of the step, listed or not",
        arguments: ["97000", "87000", "150000", "1000", "97000.000"]
    )
    func explicitStrike(strike: String) throws {
        let contract = try Self.select(.put, strike: strike, nil)
        #expect(contract == OptionContract(underlying: "BTC-USD", expiry: Self.friday, strike: decimal(strike), kind: .put))
    }

    // MARK: Errors

    @Test(
        "every error names the field to change and says what would work",
        arguments: [
            (
                OptionKind.call, nil as String?, StrikeSelection(strikesAway: 11, moneyness: .otm),
                OptionSelectionError.noStrike(
                    .selection(StrikeSelection(strikesAway: 11, moneyness: .otm), .call),
                    alternatives: (98...107).map { Decimal($0 * 1_000) }),
                "strikesAway",
                "strikesAway: a call 11 strikes out of the money is off the chain; 10 strikes are listed out of the money, the farthest 107000"
            ),
            (
                .put, nil, StrikeSelection(strikesAway: -11),
                .noStrike(.selection(StrikeSelection(strikesAway: -11), .put), alternatives: (98...107).map { Decimal($0 * 1_000) }),
                "strikesAway",
                "strikesAway: a put 11 strikes in the money is off the chain; 10 strikes are listed in the money, the farthest 107000"
            ),
            (
                .call, nil, StrikeSelection(strikesAway: 12, moneyness: .itm),
                .noStrike(
                    .selection(StrikeSelection(strikesAway: 12, moneyness: .itm), .call),
                    alternatives: (87...97).reversed().map { Decimal($0 * 1_000) }),
                "strikesAway",
                "strikesAway: a call 12 strikes in the money is off the chain; 11 strikes are listed in the money, the farthest 87000"
            ),
            (
                .call, "97250", nil,
                .noStrike(.strike(decimal("97250"), step: 1_000), alternatives: [97_000, 98_000]),
                "strike",
                "strike: 97250 is not a multiple of the strike step 1000; the nearest strikes are 97000 and 98000"
            ),
            (
                .call, "500", nil,
                .noStrike(.strike(500, step: 1_000), alternatives: [1_000]),
                "strike",
                "strike: 500 is not a multiple of the strike step 1000; the nearest strike is 1000"
            ),
            (
                .put, "0", nil,
                .noStrike(.strike(0, step: 1_000), alternatives: [1_000]),
                "strike",
                "strike: 0 is not a strike; strikes are positive multiples of 1000; the nearest strike is 1000"
            ),
            (
                .put, "-97000", nil,
                .noStrike(.strike(-97_000, step: 1_000), alternatives: [1_000]),
                "strike",
                "strike: -97000 is not a strike; strikes are positive multiples of 1000; the nearest strike is 1000"
            ),
            (
                .call, "97000", StrikeSelection(strikesAway: 1),
                .strikeAndSelection(strike: 97_000, selection: StrikeSelection(strikesAway: 1)),
                "strike",
                "strike: 97000 was given with strikesAway 1; send strike for that contract or strikesAway to pick from the chain, not both"
            ),
            (
                .call, nil, StrikeSelection(strikesAway: -2, moneyness: .otm),
                .contradictorySelection(StrikeSelection(strikesAway: -2, moneyness: .otm)),
                "strikesAway",
                "strikesAway: -2 (into the money) contradicts intrinsicValue otm; send a positive strikesAway with itm or otm, "
                    + "or a signed strikesAway alone"
            ),
        ] as [(OptionKind, String?, StrikeSelection?, OptionSelectionError, String, String)]
    )
    func strikeErrors(
        kind: OptionKind, strike: String?, selection: StrikeSelection?, expected: OptionSelectionError, field: String, message: String
    ) {
        #expect(throws: expected) { try Self.select(kind, strike: strike, selection) }
        #expect(expected.field == field)
        #expect(expected.description == message)
    }

    @Test("a strikesAway of any size is refused without trapping", arguments: [Int.max, Int.min, 1_000_000, -1_000_000])
    func hugeStrikesAway(strikesAway: Int) {
        for kind in OptionKind.allCases {
            #expect(throws: OptionSelectionError.self) { try Self.select(kind, StrikeSelection(strikesAway: strikesAway)) }
        }
    }

    @Test("a chain without a price has no strike to give")
    func noPrice() {
        let chain = OptionChain(underlying: "BTC-USD", spot: 0, now: Self.now, settings: .crypto)
        #expect(throws: OptionSelectionError.noStrike(.selection(.atTheMoney, .call), alternatives: [])) {
            try Self.select(.call, nil, in: chain)
        }
        #expect(throws: OptionSelectionError.noStrike(.selection(StrikeSelection(strikesAway: 2), .put), alternatives: [])) {
            try Self.select(.put, StrikeSelection(strikesAway: 2), in: chain)
        }
        let explicit = OptionSelectionError.noStrike(.strike(97_000, step: nil), alternatives: [])
        #expect(throws: explicit) { try Self.select(.call, strike: "97000", nil, in: chain) }
        #expect(explicit.description == "strike: no strikes are listed, as there is no price for the underlying")
        #expect(
            OptionSelectionError.noStrike(.selection(.atTheMoney, .call), alternatives: []).description
                == "strikesAway: no strikes are listed, so none is at the money for a call")
    }

    /// With no strikes each side, the chain lists the at-the-money strike alone: 97,000, below a spot of 97,400.
    @Test("a chain of one strike counts in strikes, singular")
    func oneStrike() {
        let settings = OptionChainSettings(strikesEachSide: 0)
        let chain = OptionChain(underlying: "BTC-USD", spot: 97_400, now: Self.now, settings: settings)
        let above = OptionSelectionError.noStrike(.selection(StrikeSelection(strikesAway: 1), .call), alternatives: [])
        #expect(throws: above) { try Self.select(.call, StrikeSelection(strikesAway: 1), in: chain) }
        #expect(
            above.description == "strikesAway: a call 1 strike out of the money is off the chain; no strikes are listed out of the money")
        let below = OptionSelectionError.noStrike(.selection(StrikeSelection(strikesAway: 2), .put), alternatives: [97_000])
        #expect(throws: below) { try Self.select(.put, StrikeSelection(strikesAway: 2), in: chain) }
        #expect(
            below.description
                == "strikesAway: a put 2 strikes out of the money is off the chain; 1 strike is listed out of the money, the farthest 97000"
        )
    }

    @Test("the expiry is checked before the strike")
    func expiryFirst() {
        #expect(throws: OptionSelectionError.expiryInPast(expiration: instant("2026-12-01T08:00:00Z"), now: Self.now)) {
            try Self.select(.call, strike: "97250", expiration: .on(instant("2026-12-01T00:00:00Z")), nil)
        }
    }
}
