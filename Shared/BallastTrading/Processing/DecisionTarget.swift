import BallastCore
import Foundation

/// One decision a signal gets: on which account, by which engine, recorded under which id. A signal without routing has
/// one, on its user's trading account by `rules`; a routed one has one per target of its `SignalRouting`.
struct DecisionTarget {
    var decisionID: UUID
    /// Nil: the user's trading account.
    var accountID: UUID?
    /// The engine, or why its stored name and settings cannot be used (the signal is then rejected, `invalid_engine`).
    var engine: Result<DecisionEngine, EngineSettingsError>
    var experimentID: UUID?
    var variant: String?
    /// The signal's own decision (the first target), whose outcome the signal reports.
    var isPrimary: Bool

    static func targets(of signal: SignalDocument) -> [DecisionTarget] {
        guard let routing = signal.routing, !routing.targets.isEmpty else {
            return [
                DecisionTarget(
                    decisionID: signal.id, accountID: nil, engine: .success(.rules), experimentID: nil, variant: nil, isPrimary: true)
            ]
        }
        return routing.targets.enumerated().map { index, target in
            DecisionTarget(
                decisionID: routing.decisionID(signal: signal.id, target: index), accountID: target.accountID,
                engine: Result { () throws(EngineSettingsError) in try DecisionEngine(name: target.engine, settings: target.settings) },
                experimentID: routing.experimentID, variant: target.variant, isPrimary: index == 0)
        }
    }

    /// The candles the `confirmed` engine reads for `symbol`, if this target's engine is it.
    func candleKey(symbol: String) -> CandleSeriesKey? {
        guard case .success(.confirmed(let settings)) = engine else { return nil }
        return CandleSeriesKey(symbol: symbol, interval: settings.interval)
    }

    var candleCount: Int {
        guard case .success(.confirmed(let settings)) = engine else { return 0 }
        return settings.candlesNeeded
    }
}
