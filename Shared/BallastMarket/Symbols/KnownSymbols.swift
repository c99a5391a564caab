import Logging
import PostgresNIO

/// The symbols of `market_symbols` as a `SymbolCatalogue`, kept in memory for the services that resolve tickers.
/// Loaded on first use; reloaded in the background once it is `refreshInterval` old (callers keep the current one
/// meanwhile), and at once when a ticker does not resolve and the last load is `missRefreshInterval` old (a symbol
/// market-data has just seen). So a known ticker costs no database round trip, and unknown ones at most one a
/// `missRefreshInterval`.
public actor KnownSymbols {
    public nonisolated let settings: SymbolCatalogueSettings
    private let database: PostgresClient
    private let logger: Logger
    private let refreshInterval: Duration
    private let missRefreshInterval: Duration
    private var catalogue: SymbolCatalogue?
    private var loadedAt = ContinuousClock.now
    private var loading: Task<SymbolCatalogue, any Error>?

    public init(
        database: PostgresClient, settings: SymbolCatalogueSettings, refreshInterval: Duration = .seconds(5),
        missRefreshInterval: Duration = .seconds(1), logger: Logger
    ) {
        self.database = database
        self.settings = settings
        self.refreshInterval = refreshInterval
        self.missRefreshInterval = missRefreshInterval
        self.logger = logger
    }

    /// What each of `tickers` resolves to. Without `reloadingOnMiss`, a ticker that does not resolve is not looked up
    /// again: a caller inside a transaction must not wait for a pool connection while it holds one.
    public func resolve(_ tickers: some Sequence<String>, reloadingOnMiss: Bool = true) async throws -> [String: SymbolResolution] {
        var catalogue = try await current()
        var resolutions: [String: SymbolResolution] = [:]
        for ticker in tickers where resolutions[ticker] == nil { resolutions[ticker] = catalogue.resolve(ticker) }
        let unknown = resolutions.filter { $0.value.symbol == nil }.keys
        guard reloadingOnMiss, !unknown.isEmpty, ContinuousClock.now - loadedAt >= missRefreshInterval else { return resolutions }
        catalogue = try await reload()
        for ticker in unknown { resolutions[ticker] = catalogue.resolve(ticker) }
        return resolutions
    }

    /// The catalogue as last loaded (loading it the first time).
    public func current() async throws -> SymbolCatalogue {
        guard let catalogue else { return try await reload() }
        if loading == nil, ContinuousClock.now - loadedAt >= refreshInterval {
            Task {
                do {
                    try await self.reload()
                } catch {
                    self.logger.warning("known symbols not reloaded", metadata: ["error": "\(error)"])
                }
            }
        }
        return catalogue
    }

    /// Reads `market_symbols` again; callers arriving meanwhile share the read.
    @discardableResult
    public func reload() async throws -> SymbolCatalogue {
        if let loading { return try await loading.value }
        let (database, settings, logger) = (database, settings, logger)
        let task = Task {
            SymbolCatalogue(symbols: try await TradeStore(database: database, logger: logger).symbols(), settings: settings)
        }
        loading = task
        defer { loading = nil }
        let catalogue = try await task.value
        self.catalogue = catalogue
        loadedAt = .now
        return catalogue
    }
}
