import Foundation

/// What became of a webhook's signal: stored under this id, or a duplicate of the signal with this id.
public enum AcceptOutcome: Sendable, Equatable {
    case accepted(UUID)
    case duplicate(UUID)
}
