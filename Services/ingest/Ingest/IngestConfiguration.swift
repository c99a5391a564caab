import BallastCore
import BallastMarket
import BallastService
import BallastTrading

/// Settings only ingest reads (see docs/configuration.md).
public struct IngestConfiguration: Sendable {
    /// Signals from one source with the same content within this window are one signal.
    public var duplicateWindow: Duration
    /// Larger bodies are refused with 413 before they are read.
    public var maxBodyBytes: Int
    /// The secret of the default source (`POST /webhook`); unset means that route refuses everything.
    public var webhookSecret: Secret?
    /// Owner of the default source, created if missing.
    public var webhookUser: String
    /// Webhook requests per source and minute; 0 turns the limit off.
    public var webhookRateLimit: Int
    /// A last price older than this leaves a portfolio's drift unpriced, as it fails a rebalance (the rebalancer reads
    /// the same variable).
    public var rebalanceMaxPriceAge: Duration
    /// Which web pages may call the API from a browser; nil (no CORS headers) unless `BALLAST_CORS_ORIGINS` is set.
    public var cors: CORSPolicy?
    /// The option chains signal-processor lists (`BALLAST_OPTION_*`, which it reads too), so that an option signal whose
    /// expiration or strike selection no chain can answer is a 400 here rather than a rejection later.
    public var optionChain: OptionChainSettings
    /// WebSocket limits and timings, and the listen keys' lifetime.
    public var live: LiveStreamSettings
    /// How stream names' symbols resolve (`btcusd` → `BTC-USD`), as signal-processor resolves tickers.
    public var symbols: SymbolCatalogueSettings

    public init(environment: EnvironmentReader = EnvironmentReader()) throws(ConfigurationError) {
        duplicateWindow = .seconds(try environment.integer("BALLAST_DEDUP_WINDOW_SECONDS", default: 60, range: 0...86_400))
        maxBodyBytes = try environment.integer("BALLAST_MAX_BODY_BYTES", default: 65_536, range: 1_024...10_485_760)
        webhookSecret = environment.string("BALLAST_WEBHOOK_SECRET").map { Secret($0) }
        if let secret = webhookSecret, secret.value.count < 16 {
            throw ConfigurationError(variable: "BALLAST_WEBHOOK_SECRET", reason: "must be at least 16 characters")
        }
        webhookUser = environment.string("BALLAST_WEBHOOK_USER", default: "demo")
        webhookRateLimit = try environment.integer("BALLAST_WEBHOOK_RATE_LIMIT", default: 0, range: 0...1_000_000)
        rebalanceMaxPriceAge = .seconds(
            try environment.integer("BALLAST_REBALANCE_MAX_PRICE_AGE_SECONDS", default: 300, range: 1...86_400))
        cors = try CORSPolicy(environment: environment)
        optionChain = try OptionSettings(environment: environment).chain
        live = try LiveStreamSettings(environment: environment)
        symbols = try SymbolCatalogueSettings(environment: environment)
    }
}
