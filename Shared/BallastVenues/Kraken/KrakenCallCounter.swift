/// A model of Kraken's REST call counter for one API key, so that calls wait for room instead of being refused with
/// `EAPI:Rate limit exceeded` (which, when calls keep coming, makes Kraken lock the key out for longer).
///
/// The counter is kept as the instant it would be back at zero (`emptyAt`): its level at `now` is
/// `(emptyAt - now) / decayInterval`. Times are durations since any fixed origin, given by the caller, so tests step
/// the clock by hand.
public struct KrakenCallCounter: Sendable, Equatable {
    public let tier: KrakenRateTier
    /// The highest level this model lets the counter reach: one below Kraken's maximum, because Kraken lowers its
    /// counter in steps every couple of seconds rather than smoothly, and a call at the very moment the smooth model
    /// touches the maximum could still be refused.
    public let capacity: Int
    private var emptyAt: Duration

    public init(tier: KrakenRateTier, spare: Int = 1) {
        self.tier = tier
        capacity = max(1, tier.maximum - spare)
        emptyAt = .zero
    }

    /// How long from `now` until the counter is back at zero: its level times `decayInterval`.
    public func backlog(at now: Duration) -> Duration {
        emptyAt > now ? emptyAt - now : .zero
    }

    /// Counts a call costing `cost` made at `now` and returns how long to wait before sending it (zero when there is
    /// room). The call is counted at once, so a second caller asking meanwhile waits behind it.
    public mutating func reserve(cost: Int, at now: Duration) -> Duration {
        guard cost > 0 else { return .zero }
        let filled = max(emptyAt, now) + tier.decayInterval * cost
        emptyAt = filled
        let over = filled - now - tier.decayInterval * capacity
        return over > .zero ? over : .zero
    }

    /// Kraken said the counter is over its maximum: whatever this model believed (another process may share the key),
    /// it is full now.
    public mutating func noteExceeded(at now: Duration) {
        emptyAt = max(emptyAt, now + tier.decayInterval * tier.maximum)
    }

    /// What a call to private `method` adds to the counter: 2 for the ledger and trade history queries, nothing for
    /// AddOrder and CancelOrder (the matching engine limits those, per pair), 1 for the rest.
    public static func cost(of method: String) -> Int {
        switch method {
        case "AddOrder", "CancelOrder", "AddOrderBatch", "CancelOrderBatch", "EditOrder", "AmendOrder": 0
        case "Ledgers", "QueryLedgers", "TradesHistory", "QueryTrades": 2
        default: 1
        }
    }
}
