import BallastCore
import BallastService

/// Rebalances portfolios on schedules and requests. Skeleton for now: its consumer group on
/// `ballast:rebalance.requests` exists (entries wait there for it), the logic arrives with its issue.
public enum Rebalancer {
    public static func buildServices(_ context: ServiceContext) -> ServiceDefinition {
        ServiceDefinition(consumedStreams: [StreamName.rebalanceRequests])
    }
}
