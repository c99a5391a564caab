import Foundation

/// A trader's A/B experiment: signals in `scope` are decided by its variants, split by weight or, in `shadow` mode, by
/// every variant, each on a paper account of its own, so their results can be compared (`ExperimentReport`).
public struct Experiment: Sendable, Equatable {
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// Each signal goes to one variant, chosen from its id by the weights (`VariantAssignment`).
        case split
        /// Every signal goes to every variant.
        case shadow
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Created, routing nothing yet; its variants can still change.
        case draft
        case running
        /// Routes nothing any more; its accounts and results stay.
        case stopped
    }

    public var id: UUID
    public var userID: UUID
    public var name: String
    public var mode: Mode
    public var status: Status
    public var scope: ExperimentScope
    /// Ordered by name.
    public var variants: [ExperimentVariant]
    public var createdAt: Date
    public var startedAt: Date?
    public var stoppedAt: Date?

    public init(
        id: UUID, userID: UUID, name: String, mode: Mode, status: Status, scope: ExperimentScope, variants: [ExperimentVariant],
        createdAt: Date, startedAt: Date? = nil, stoppedAt: Date? = nil
    ) {
        self.id = id
        self.userID = userID
        self.name = name
        self.mode = mode
        self.status = status
        self.scope = scope
        self.variants = variants.sorted { $0.name < $1.name }
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.stoppedAt = stoppedAt
    }

    /// How the variants share the signals.
    public var weights: ExperimentWeights {
        switch mode {
        case .shadow: .shadow
        case .split: .split(Dictionary(uniqueKeysWithValues: variants.map { ($0.name, $0.weight ?? 0) }))
        }
    }
}
