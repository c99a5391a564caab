import BallastCore
import Foundation
import Logging
import Metrics
import Prometheus

/// The whole `main` of a service executable: configuration, logging, metrics, then the runtime.
public enum ServiceMain {
    /// Exits 2 with one line naming the variable when the configuration is unusable, 1 when the service
    /// fails, 0 after a graceful stop.
    public static func run(_ service: ServiceName, build: (ServiceContext) throws -> ServiceDefinition) async -> Never {
        let configuration = configurations(of: [service], label: service.name)[0]
        let (registry, logger) = bootstrap(label: service.name, configuration: configuration)
        await finish(label: service.name, logger: logger) {
            try await ServiceRuntime(configuration: configuration, logger: logger, metrics: registry).run(build)
        }
    }

    /// The `main` of `ballast serve`: `modules` in one process, logging as `label`; the exit codes of `run(_:build:)`.
    public static func run(modules: [ServiceModule], label: String) async -> Never {
        let configurations = configurations(of: modules.map(\.service), label: label)
        let (registry, logger) = bootstrap(label: label, configuration: configurations[0])
        await finish(label: label, logger: logger) {
            try await ServiceRuntime(configurations: configurations, logger: logger, metrics: registry).run(modules: modules)
        }
    }

    /// Installs the structured log handler for the whole process and returns the root logger.
    public static func bootstrapLogging(label: String, format: LogFormat, level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, level: level) }
        return Logger(label: label)
    }

    /// Each service's settings; exits 2 with one line naming the variable when one is unusable.
    private static func configurations(of services: [ServiceName], label: String) -> [ServiceConfiguration] {
        // A write to a closed pipe or reset socket must fail with EPIPE, not kill the process: the log
        // reader may go away, and hiredis writes with plain send(2) to a Redis that may have restarted.
        signal(SIGPIPE, SIG_IGN)
        do {
            return try services.map { service throws(ConfigurationError) in try ServiceConfiguration(service: service) }
        } catch {
            FileHandle.standardError.write(Data("\(label): invalid configuration: \(error)\n".utf8))
            Foundation.exit(2)
        }
    }

    private static func bootstrap(label: String, configuration: ServiceConfiguration) -> (PrometheusCollectorRegistry, Logger) {
        // Metrics first: the log writer registers its dropped-lines counter when the first logger is made.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return (registry, bootstrapLogging(label: label, format: configuration.logFormat, level: configuration.logLevel))
    }

    private static func finish(label: String, logger: Logger, _ runtime: () async throws -> Void) async -> Never {
        do {
            try await runtime()
            Foundation.exit(0)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("\(label): invalid configuration: \(error)\n".utf8))
            Foundation.exit(2)
        } catch {
            logger.critical("service failed", metadata: ["error": .error(error)])
            Foundation.exit(1)
        }
    }
}
