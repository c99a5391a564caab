import AsyncHTTPClient
import ServiceLifecycle

/// Shuts a webhook HTTP client down once the service group stops (list it before the services that use it:
/// a group stops its services in reverse order).
public struct HTTPClientShutdown: Service {
    let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
