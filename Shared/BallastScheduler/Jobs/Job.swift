import Foundation

/// A piece of work a service runs on a cron schedule, once per tick across all its instances.
///
/// ```swift
/// try Job("orders.expire", schedule: "*/10 * * * * *", timeout: .seconds(30)) { run in
///     try await expireOrders(before: run.tick)
/// }
/// ```
public struct Job: Sendable {
    /// Unique across Ballast (the `scheduled_jobs` key); by convention `<area>.<verb>`.
    public let name: String
    /// The schedule as declared; operators can override it at run time.
    public let schedule: CronExpression
    /// A run that takes longer is cancelled and recorded as `timed_out`.
    public var timeout: Duration
    /// What happens to ticks that were due while no instance could run them.
    public var catchUp: CatchUpPolicy
    /// TTL of the Redis lock, extended every third of it while the body runs. A run whose instance
    /// stopped renewing its heartbeat for this long is recorded as `abandoned`.
    public var lockTTL: Duration
    public let body: @Sendable (JobRun) async throws -> Void

    public init(
        _ name: String,
        schedule: String,
        timeZone: TimeZone = TimeZone(identifier: "UTC")!,
        timeout: Duration = .seconds(60),
        catchUp: CatchUpPolicy = .runOnce(startingDeadline: .seconds(300)),
        lockTTL: Duration = .seconds(30),
        body: @escaping @Sendable (JobRun) async throws -> Void
    ) throws(CronExpressionError) {
        self.name = name
        self.schedule = try CronExpression(schedule, timeZone: timeZone)
        self.timeout = timeout
        self.catchUp = catchUp
        self.lockTTL = lockTTL
        self.body = body
    }
}
