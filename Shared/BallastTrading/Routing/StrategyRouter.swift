import BallastCore
import Foundation

/// Decides, when ingest accepts a signal, where it will be decided: the first running experiment whose scope holds it
/// (the earliest started), its variant chosen from the signal's id (`VariantAssignment`) or every variant in shadow
/// mode; otherwise the engine its source names for its strategy. Nil: the trading account and `rules`, as without
/// routing.
public enum StrategyRouter {
    public static func routing(
        signalID: UUID, source: UUID, strategy: String?, symbol: String, experiments: [Experiment], engines: SourceEngines?
    ) -> SignalRouting? {
        let running = experiments.filter { $0.status == .running && !$0.variants.isEmpty }
            .sorted { ($0.startedAt ?? $0.createdAt, $0.id.uuidString) < ($1.startedAt ?? $1.createdAt, $1.id.uuidString) }
        // Weights are checked when an experiment is saved; one that cannot be assigned routes nothing rather than guess.
        if let experiment = running.first(where: { $0.scope.contains(source: source, strategy: strategy, symbol: symbol) }),
            let assignment = try? VariantAssignment(
                experimentID: experiment.id, weights: experiment.weights, variants: experiment.variants.map(\.name))
        {
            let chosen = Set(assignment.variants(for: signalID))
            let targets = experiment.variants.filter { chosen.contains($0.name) }.map {
                SignalRouting.Target(variant: $0.name, engine: $0.engine, settings: $0.settings, accountID: $0.accountID)
            }
            if !targets.isEmpty {
                return SignalRouting(experimentID: experiment.id, mode: experiment.mode.rawValue, targets: targets)
            }
        }
        guard let choice = engines?.choice(strategy: strategy), choice.engine != "rules" || !choice.settings.isEmpty else { return nil }
        return SignalRouting(targets: [SignalRouting.Target(engine: choice.engine, settings: choice.settings)])
    }
}
