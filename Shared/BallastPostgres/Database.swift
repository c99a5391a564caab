import BallastCore
import Logging
import NIOSSL
import PostgresNIO

/// Builds the one `PostgresClient` a process uses; run it as a service in the process's `ServiceGroup`.
public enum Database {
    public static func makeClient(_ endpoint: PostgresEndpoint, maxConnections: Int = 20, logger: Logger) -> PostgresClient {
        let tls: PostgresClient.Configuration.TLS
        switch endpoint.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: endpoint.host,
            port: endpoint.port,
            username: endpoint.username,
            password: endpoint.password?.value,
            database: endpoint.database,
            tls: tls
        )
        configuration.options.maximumConnections = maxConnections
        configuration.options.connectionIdleTimeout = .seconds(60)
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// True when `SELECT 1` answers within `timeout`.
    public static func isReachable(_ client: PostgresClient, timeout: Duration = .seconds(2)) async -> Bool {
        do {
            return try await withTimeout(timeout) {
                let rows = try await client.query("SELECT 1")
                for try await _ in rows {}
                return true
            }
        } catch {
            return false
        }
    }
}
