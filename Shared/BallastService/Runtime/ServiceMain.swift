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
        // A write to a closed pipe or reset socket must fail with EPIPE, not kill the process: the log
        // reader may go away, and hiredis writes with plain send(2) to a Redis that may have restarted.
        signal(SIGPIPE, SIG_IGN)
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration(service: service)
        } catch {
            FileHandle.standardError.write(Data("\(service.name): invalid configuration: \(error)\n".utf8))
            exit(2)
        }
        // Metrics first: the log writer registers its dropped-lines counter when the first logger is made.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = bootstrapLogging(label: service.name, format: configuration.logFormat, level: configuration.logLevel)
        do {
            try await ServiceRuntime(configuration: configuration, logger: logger, metrics: registry).run(build)
            exit(0)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("\(service.name): invalid configuration: \(error)\n".utf8))
            exit(2)
        } catch {
            logger.critical("service failed", metadata: ["error": .error(error)])
            exit(1)
        }
    }

    /// Installs the structured log handler for the whole process and returns the root logger.
    public static func bootstrapLogging(label: String, format: LogFormat, level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, level: level) }
        return Logger(label: label)
    }
}
