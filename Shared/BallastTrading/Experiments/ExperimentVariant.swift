import Foundation

/// One arm of an experiment: an engine with its settings, trading on a paper account of its own.
public struct ExperimentVariant: Sendable, Equatable {
    public var name: String
    /// `DecisionEngine.names`.
    public var engine: String
    /// The engine's settings, values as text (`DecisionEngine.init(name:settings:)` reads them).
    public var settings: [String: String]
    /// Percent of the signals in a split experiment; nil in a shadow one.
    public var weight: Decimal?
    public var accountID: UUID

    public init(name: String, engine: String, settings: [String: String] = [:], weight: Decimal?, accountID: UUID) {
        self.name = name
        self.engine = engine
        self.settings = settings
        self.weight = weight
        self.accountID = accountID
    }
}
