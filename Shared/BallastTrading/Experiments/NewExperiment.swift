import Foundation

/// An experiment as the API creates it, checked: names, engines, settings and weights are valid (`ExperimentInput` in
/// ingest). Each variant gets a new paper account funded with `startingCash`.
public struct NewExperiment: Sendable, Equatable {
    public struct Variant: Sendable, Equatable {
        public var name: String
        public var engine: String
        public var settings: [String: String]
        public var weight: Decimal?
        public var startingCash: Decimal

        public init(name: String, engine: String, settings: [String: String], weight: Decimal?, startingCash: Decimal) {
            self.name = name
            self.engine = engine
            self.settings = settings
            self.weight = weight
            self.startingCash = startingCash
        }
    }

    public var name: String
    public var mode: Experiment.Mode
    public var scope: ExperimentScope
    public var quoteCurrency: String
    public var variants: [Variant]
    /// Running from creation, rather than a draft to start later.
    public var start: Bool

    public init(
        name: String, mode: Experiment.Mode, scope: ExperimentScope, quoteCurrency: String, variants: [Variant], start: Bool
    ) {
        self.name = name
        self.mode = mode
        self.scope = scope
        self.quoteCurrency = quoteCurrency
        self.variants = variants
        self.start = start
    }
}
