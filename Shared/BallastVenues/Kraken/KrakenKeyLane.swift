import Synchronization

/// One API key's way into Kraken: its private calls go one at a time, each waits for room in the key's call counter,
/// and each takes its nonce only when its turn comes. Kraken refuses a nonce not above the last one the key used, so
/// two calls in flight at once could reach it out of order and the later-numbered one would be refused.
///
/// Every `KrakenVenue` for the same key and server shares one lane (`shared(...)`), however many are built.
actor KrakenKeyLane {
    let nonces: KrakenNonceSource
    /// nil: calls do not wait for the counter (a server without Kraken's limits).
    private var counter: KrakenCallCounter?
    private let origin = ContinuousClock.now
    private var isBusy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(tier: KrakenRateTier?, nonces: KrakenNonceSource = KrakenNonceSource()) {
        self.nonces = nonces
        counter = tier.map { KrakenCallCounter(tier: $0) }
    }

    private static let lanes = Mutex<[String: KrakenKeyLane]>([:])

    /// The lane of `apiKey` at `server`; the first caller's `tier` sets the lane's counter.
    static func shared(server: String, apiKey: String, tier: KrakenRateTier?) -> KrakenKeyLane {
        lanes.withLock { lanes in
            let name = server + "\n" + apiKey
            if let lane = lanes[name] { return lane }
            let lane = KrakenKeyLane(tier: tier)
            lanes[name] = lane
            return lane
        }
    }

    /// Runs `call` with the next nonce once the calls before it are done and the counter has room for `cost`.
    func run<Value: Sendable>(cost: Int, _ call: @Sendable (UInt64) async throws -> Value) async throws -> Value {
        await acquire()
        defer { release() }
        let wait = counter?.reserve(cost: cost, at: ContinuousClock.now - origin) ?? .zero
        if wait > .zero { try await Task.sleep(for: wait) }
        try Task.checkCancellation()
        return try await call(nonces.next())
    }

    /// Kraken answered `EAPI:Rate limit exceeded`: the counter is taken as full. Returns how long until a call fits.
    func noteRateLimitExceeded() -> Duration {
        let now = ContinuousClock.now - origin
        counter?.noteExceeded(at: now)
        guard var probe = counter else { return .seconds(5) }
        return probe.reserve(cost: 1, at: now)
    }

    private func acquire() async {
        guard isBusy else {
            isBusy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Hands the lane to the longest waiter, which then runs with `isBusy` still set.
    private func release() {
        if waiters.isEmpty {
            isBusy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
