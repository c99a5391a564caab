import BallastCore
import BallastService

/// Builds candles, 24 h tickers and last prices from trades. Skeleton for now: its consumer group on
/// `ballast:trades` exists (entries wait there for it), the aggregation arrives with its issue.
public enum MarketData {
    public static func buildServices(_ context: ServiceContext) -> ServiceDefinition {
        ServiceDefinition(consumedStreams: [StreamName.trades])
    }
}
