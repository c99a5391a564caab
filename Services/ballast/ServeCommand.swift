import ArgumentParser
import BallastCore
import BallastService
import Deposits
import Ingest
import MarketData
import Notifier
import Rebalancer
import SignalProcessor

/// `ballast serve --modules all`: the services in one process, for deployments one machine serves well. Each service
/// behaves as its executable does (its consumer groups, jobs and routes); they share one Redis client, one Postgres pool
/// and one admin port. See docs/architecture.md, "One process or six".
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run several Ballast services in one process.",
        discussion: """
            --modules all (or monolith) runs the six services; api runs ingest; background runs the five others; or name \
            them: --modules ingest,signal-processor. The process reads each service's BALLAST_* settings; ingest's public \
            port is BALLAST_INGEST_PORT, and /healthz, /readyz, /metrics and /jobs answer on the first service's admin \
            port (BALLAST_INGEST_ADMIN_PORT, 9101, whenever ingest runs). Stops gracefully on SIGTERM or SIGINT. Exits 2 \
            on a bad --modules or setting, 1 when a service fails.
            """
    )

    @Option(help: ArgumentHelp("The services to run: \(ServiceSelection.choices).", valueName: "modules"))
    var modules = "all"

    func validate() throws {
        do {
            _ = try ServiceSelection.parse(modules)
        } catch {
            throw CommandFailure.exit("--modules '\(modules)': \(error)", code: 2)
        }
    }

    func run() async throws {
        let services = try ServiceSelection.parse(modules)
        await ServiceMain.run(modules: services.map(Self.module), label: "ballast")
    }

    /// The service's library, built as its executable builds it.
    static func module(_ service: ServiceName) -> ServiceModule {
        switch service {
        case .ingest: ServiceModule(.ingest, build: Ingest.buildServices)
        case .signalProcessor: ServiceModule(.signalProcessor, build: SignalProcessor.buildServices)
        case .rebalancer: ServiceModule(.rebalancer, build: Rebalancer.buildServices)
        case .marketData: ServiceModule(.marketData, build: MarketData.buildServices)
        case .deposits: ServiceModule(.deposits, build: Deposits.buildServices)
        case .notifier: ServiceModule(.notifier, build: Notifier.buildServices)
        }
    }
}
