import BallastCore
import BallastService

/// Delivers events as signed webhooks. Skeleton for now: its consumer group on `ballast:events` exists
/// (entries wait there for it), deliveries arrive with their issue.
public enum Notifier {
    public static func buildServices(_ context: ServiceContext) -> ServiceDefinition {
        ServiceDefinition(consumedStreams: [StreamName.events])
    }
}
