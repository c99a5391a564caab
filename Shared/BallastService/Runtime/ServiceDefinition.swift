import ServiceLifecycle

/// What one service runs on top of the shared runtime.
public struct ServiceDefinition: Sendable {
    /// Long-running parts: stream consumers, HTTP servers, jobs.
    public var services: [any Service]
    /// Streams this service consumes. Their groups are created at start, so entries published before the
    /// service's logic reads them are kept for it.
    public var consumedStreams: [String]

    public init(services: [any Service] = [], consumedStreams: [String] = []) {
        self.services = services
        self.consumedStreams = consumedStreams
    }
}
