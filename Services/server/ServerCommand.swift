import ArgumentParser
import BallastCore
import BallastService
import Deposits
import Ingest
import MarketData
import Notifier
import Rebalancer
import SignalProcessor

/// `ballast-server --modules all`, which `ballast serve` runs: the services in one process, for deployments one machine
/// serves well. Each service behaves as its executable does (its consumer groups, jobs and routes); they share one
/// Redis client, one Postgres pool and one admin port. This target is the one place that links the services together
/// (a composition root); the CLI and the services themselves depend only on Shared/ libraries. See
/// docs/architecture.md, "One process or six".
@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ballast-server",
        abstract: "Run several Ballast services in one process (what `ballast serve` runs).",
        discussion: ServiceSelection.serveDiscussion
    )

    @Option(help: ArgumentHelp("The services to run: \(ServiceSelection.choices).", valueName: "modules"))
    var modules = "all"

    func validate() throws {
        do {
            _ = try ServiceSelection.parse(modules)
        } catch {
            throw ValidationError("--modules '\(modules)': \(error)")
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
