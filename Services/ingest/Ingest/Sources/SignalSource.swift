import BallastCore
import BallastTrading
import Foundation

/// Where signals come from: one webhook URL with its own secret, owned by a user.
public struct SignalSource: Sendable, Equatable {
    public var id: UUID
    public var userID: UUID
    public var name: String
    /// Verifies webhook signatures; never logged, returned only when created or rotated.
    public var secret: Secret
    public var isDefault: Bool
    /// The engines the source's signals are decided by outside experiments.
    public var engines: SourceEngines?
    /// The owner's running experiments, which may take the source's signals (`StrategyRouter`).
    public var experiments: [Experiment]

    public init(
        id: UUID, userID: UUID, name: String, secret: Secret, isDefault: Bool, engines: SourceEngines? = nil, experiments: [Experiment] = []
    ) {
        self.id = id
        self.userID = userID
        self.name = name
        self.secret = secret
        self.isDefault = isDefault
        self.engines = engines
        self.experiments = experiments
    }

    /// Where a signal of this source with `id`, `strategy` and `symbol` is decided.
    func routing(signal id: UUID, strategy: String?, symbol: String) -> SignalRouting? {
        StrategyRouter.routing(
            signalID: id, source: self.id, strategy: strategy, symbol: symbol, experiments: experiments, engines: engines)
    }
}
