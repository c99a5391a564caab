import BallastCore
import BallastService
import Testing

@Suite("Service configuration")
struct ServiceConfigurationTests {
    @Test("defaults are the documented ones")
    func defaults() throws {
        let configuration = try ServiceConfiguration(service: .notifier, environment: EnvironmentReader([:]))
        #expect(configuration.redis == RedisEndpoint(host: "127.0.0.1", port: 6379))
        #expect(configuration.database.database == "ballast")
        #expect(configuration.adminPort == 9106)
        #expect(configuration.bindHost == "127.0.0.1")
        #expect(configuration.autoMigrate == false)
        #expect(configuration.logFormat == .logfmt)
        #expect(configuration.consumer.maxDeliveries == 5)
        let consumer = configuration.consumerConfiguration(for: StreamName.events)
        #expect(consumer.group == "notifier")
        #expect(consumer.processingTimeout == .seconds(30))
    }

    @Test("each service has its own admin port variable", arguments: ServiceName.allCases)
    func adminPorts(service: ServiceName) throws {
        let configuration = try ServiceConfiguration(
            service: service,
            environment: EnvironmentReader([service.adminPortVariable: "19999"])
        )
        #expect(configuration.adminPort == 19999)
        #expect(service.adminPortVariable.hasPrefix("BALLAST_") && service.adminPortVariable.hasSuffix("_ADMIN_PORT"))
    }

    @Test("a bad value names its variable")
    func badValue() {
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration(service: .ingest, environment: EnvironmentReader(["BALLAST_LOG_LEVEL": "loud"]))
        }
    }
}
