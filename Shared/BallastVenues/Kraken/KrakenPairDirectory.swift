import Foundation

/// Kraken's pairs by Ballast symbol and by Kraken's names, loaded from AssetPairs and kept for `timeToLive`. A name
/// not found reloads the list (Kraken lists new pairs often), at most once per `missReloadInterval`, so that a
/// symbol Kraken does not list does not fetch the whole list on every call.
actor KrakenPairDirectory {
    typealias Loader = @Sendable () async throws -> [KrakenAssetPair]

    private let load: Loader
    private let timeToLive: Duration
    private let missReloadInterval: Duration
    private var bySymbol: [String: KrakenAssetPair] = [:]
    private var byKrakenName: [String: KrakenAssetPair] = [:]
    private var loadedAt: ContinuousClock.Instant?
    private var loading: Task<[KrakenAssetPair], any Error>?

    init(timeToLive: Duration = .seconds(3600), missReloadInterval: Duration = .seconds(10), load: @escaping Loader) {
        self.load = load
        self.timeToLive = timeToLive
        self.missReloadInterval = missReloadInterval
    }

    /// The pair Ballast calls `symbol` (`BTC-USD`); nil when Kraken does not list it.
    func pair(symbol: String) async throws -> KrakenAssetPair? {
        try await find(.symbol(symbol.uppercased()))
    }

    /// The pair Kraken calls `name` in any of its forms (`XXBTZUSD`, `XBTUSD`, `XBT/USD`, the dark pool's
    /// `XXBTZUSD.d`); nil when Kraken does not list it.
    func pair(krakenName name: String) async throws -> KrakenAssetPair? {
        let lit = name.hasSuffix(".d") ? String(name.dropLast(2)) : name
        return try await find(.krakenName(lit))
    }

    private enum Name {
        case symbol(String)
        case krakenName(String)
    }

    private func find(_ name: Name) async throws -> KrakenAssetPair? {
        let now = ContinuousClock.now
        if let loadedAt, now - loadedAt < timeToLive, let pair = lookup(name) { return pair }
        if let loadedAt, now - loadedAt < missReloadInterval { return lookup(name) }
        try await reload()
        return lookup(name)
    }

    private func lookup(_ name: Name) -> KrakenAssetPair? {
        switch name {
        case .symbol(let symbol): bySymbol[symbol]
        case .krakenName(let krakenName): byKrakenName[krakenName]
        }
    }

    /// Loads the list once for every caller waiting on it.
    private func reload() async throws {
        if let loading {
            _ = try await loading.value
            return
        }
        let task = Task { try await load() }
        loading = task
        defer { loading = nil }
        let pairs = try await task.value
        var bySymbol: [String: KrakenAssetPair] = [:]
        var byKrakenName: [String: KrakenAssetPair] = [:]
        for pair in pairs {
            // Two pairs may share a Ballast symbol (a relisting): the one that is online wins.
            if let existing = bySymbol[pair.symbol], existing.status == "online", pair.status != "online" { continue }
            bySymbol[pair.symbol] = pair
            for name in [pair.name, pair.altname] + (pair.wsname.map { [$0] } ?? []) { byKrakenName[name] = pair }
        }
        self.bySymbol = bySymbol
        self.byKrakenName = byKrakenName
        loadedAt = .now
    }
}
