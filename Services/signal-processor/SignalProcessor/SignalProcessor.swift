import BallastCore
import BallastService

/// Turns signals into risk-checked paper orders, fills and positions. Skeleton for now: its consumer groups on
/// `ballast:signals` and `ballast:trades` exist (entries wait there for it), the processing arrives with its issue.
public enum SignalProcessor {
    public static func buildServices(_ context: ServiceContext) -> ServiceDefinition {
        ServiceDefinition(consumedStreams: [StreamName.signals, StreamName.trades])
    }
}
