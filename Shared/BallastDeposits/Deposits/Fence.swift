import PostgresNIO

/// Called first in each transaction a pass writes in: a scheduled job passes its run's fence (`JobRun.holdFence`), so
/// a run another instance declared abandoned cannot commit.
public typealias Fence = @Sendable (PostgresConnection) async throws -> Void
