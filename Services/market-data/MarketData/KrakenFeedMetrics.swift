import BallastVenues
import Metrics

/// The Kraken trade feed's metrics (`/metrics` on market-data's admin port), from the events the feed reports.
enum KrakenFeedMetrics {
    static func record(_ event: KrakenTradeFeedEvent) {
        switch event {
        case .subscribed:
            Gauge(label: "ballast_kraken_feed_connected").record(1)
        case .published(let symbol, let count):
            Counter(label: "ballast_kraken_feed_trades_published_total", dimensions: [("symbol", symbol)]).increment(by: count)
        case .skipped(let symbol, let count):
            Counter(label: "ballast_kraken_feed_duplicates_skipped_total", dimensions: [("symbol", symbol)]).increment(by: count)
        case .rejected:
            Counter(label: "ballast_kraken_feed_rejected_total").increment()
        case .disconnected:
            Gauge(label: "ballast_kraken_feed_connected").record(0)
            Counter(label: "ballast_kraken_feed_reconnects_total").increment()
        }
    }
}
