import BallastCore
import Foundation

/// What ingest stores about signals: accepted once, then listed for their user.
public protocol SignalRepository: Sendable {
    /// The caller's signals matching `query`, newest first, at most `query.limit`.
    func signals(of user: UUID, matching query: SignalQuery) async throws -> [SignalDocument]
    func signal(_ id: UUID, of user: UUID) async throws -> SignalDocument?
    /// Stores the signal and its outbox messages in one transaction, unless it duplicates one from the
    /// same source: the same client id, or the same fingerprint within `window`.
    func accept(_ signal: SignalInput, raw: JSONValue, from source: SignalSource, window: Duration) async throws -> AcceptOutcome
}

public enum AcceptOutcome: Sendable, Equatable {
    case accepted(UUID)
    case duplicate(UUID)
}
