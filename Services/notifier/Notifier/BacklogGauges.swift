import BallastWebhooks
import Logging
import ServiceLifecycle

/// Refreshes the due-backlog and disabled-endpoint gauges every few seconds, in every instance.
struct BacklogGauges: Service {
    static let interval: Duration = .seconds(10)

    let store: WebhookDeliveryStore
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let (due, disabled) = try await cancelWhenGracefulShutdown { try await store.backlog() }
                NotifierMetrics.backlog(due: due, disabledEndpoints: disabled)
            } catch {
                logger.debug("reading the delivery backlog failed", metadata: ["error": .error(error)])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.interval) }
        }
    }
}
