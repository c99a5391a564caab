import BallastCore
import Foundation

/// The message on `ballast:rebalance.requests` that asks a rebalancer to run a pending run. The run's row is the
/// request; the message only wakes a rebalancer, so a message delivered twice runs nothing twice.
public struct RebalanceRequest: Codable, Sendable, Equatable {
    public static let type = "rebalance.requested"

    public var runID: UUID
    public var portfolioID: UUID

    public init(runID: UUID, portfolioID: UUID) {
        self.runID = runID
        self.portfolioID = portfolioID
    }

    enum CodingKeys: String, CodingKey {
        case runID = "runId"
        case portfolioID = "portfolioId"
    }

    public var envelope: Envelope {
        get throws { try Envelope(type: Self.type, timestamp: Date(), payload: self) }
    }
}
