import AsyncHTTPClient
import ServiceLifecycle

/// Shuts the notifier's HTTP client down once the service group stops.
struct HTTPClientShutdown: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
