import BallastCore
import BallastService

/// Credits on-chain deposits to the ledger. Skeleton for now: it runs the shared runtime and its outbox
/// relay; chain adapters arrive with their issue.
public enum Deposits {
    public static func buildServices(_ context: ServiceContext) -> ServiceDefinition {
        ServiceDefinition()
    }
}
