import BallastCore
import BallastService
import BallastTestSupport
import PropertyBased
import Testing

/// The environment a service starts from, one variable at a time set to random and hostile values.
@Suite("Service configuration answers hostile settings")
struct ServiceConfigurationHostileTests {
    static let variables = [
        "BALLAST_REDIS_URL", "BALLAST_DATABASE_URL", "BALLAST_DATABASE_MAX_CONNECTIONS", "BALLAST_BIND_HOST",
        ServiceName.ingest.adminPortVariable, "BALLAST_INGEST_PORT", "BALLAST_AUTO_MIGRATE", "BALLAST_LOG_FORMAT", "BALLAST_LOG_LEVEL",
        "BALLAST_INSTANCE", "BALLAST_STREAM_MAXLEN", "BALLAST_CONSUMER_BATCH_SIZE", "BALLAST_CONSUMER_CONCURRENCY",
        "BALLAST_CONSUMERS_PER_STREAM", "BALLAST_PROCESSING_TIMEOUT_MS", "BALLAST_MAX_DELIVERIES", "BALLAST_OUTBOX_BATCH_SIZE",
        "BALLAST_OUTBOX_POLL_MS", "BALLAST_JOB_RUNS_RETENTION_HOURS",
    ]

    @Test("a configuration with usable values, or an error naming the variable that was set")
    func settingsAnswer() async {
        await propertyCheck(count: 2_000, input: HostileText.generator, Gen.int(in: 0..<Self.variables.count)) { text, index in
            let variable = Self.variables[index]
            do {
                let configuration = try ServiceConfiguration(service: .ingest, environment: EnvironmentReader([variable: text]))
                #expect((1...65_535).contains(configuration.adminPort) && (1...65_535).contains(configuration.publicPort))
                #expect((1...65_535).contains(configuration.redis.port) && (1...65_535).contains(configuration.database.port))
                #expect(configuration.consumer.batchSize > 0 && configuration.consumer.processingTimeout > .zero)
                #expect(!configuration.instance.isEmpty && !configuration.bindHost.isEmpty)
            } catch let error as ConfigurationError {
                #expect(error.variable == variable)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
