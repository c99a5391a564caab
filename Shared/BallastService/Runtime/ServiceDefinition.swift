import BallastScheduler
import ServiceLifecycle

/// What one service runs on top of the shared runtime.
public struct ServiceDefinition: Sendable {
    /// Long-running parts: stream consumers, HTTP servers, jobs. One that returns stops the process.
    public var services: [any Service]
    /// Start-up steps that return when done (with retries inside); their return is not a failure.
    public var setupSteps: [any Service]
    /// Streams this service consumes. Their groups are created at start, so entries published before the
    /// service's logic reads them are kept for it.
    public var consumedStreams: [String]
    /// Scheduled jobs, run once per tick across all instances by the runtime's `JobRunner` and listed on
    /// the admin port under `/jobs`.
    public var jobs: [Job]

    public init(services: [any Service] = [], setupSteps: [any Service] = [], consumedStreams: [String] = [], jobs: [Job] = []) {
        self.services = services
        self.setupSteps = setupSteps
        self.consumedStreams = consumedStreams
        self.jobs = jobs
    }
}
