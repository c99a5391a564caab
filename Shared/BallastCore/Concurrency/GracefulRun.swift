import Logging
import ServiceLifecycle

/// Runs `service` (an HTTP server) until the calling task is cancelled, then shuts it down gracefully: connections are
/// closed and answers in progress finished. Cancellation reaching the server at once would cancel its connections'
/// handlers mid-way, and SwiftNIO stops the process when a connection's response writer is dropped unfinished. An
/// answer still in progress after `patience` (a test server that never answers) is cancelled then.
public func runUntilCancelled(_ service: some Service, patience: Duration = .seconds(1), logger: Logger) async throws {
    let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
    let serving = Task { try await group.run() }
    try await withTaskCancellationHandler {
        try await serving.value
    } onCancel: {
        Task {
            await group.triggerGracefulShutdown()
            try? await Task.sleep(for: patience)
            serving.cancel()
        }
    }
}
