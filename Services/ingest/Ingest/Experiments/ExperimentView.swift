import BallastCore
import BallastTrading
import Foundation
import Hummingbird

/// An experiment as the API returns it.
struct ExperimentView: ResponseEncodable, Sendable {
    struct Variant: Encodable, Sendable {
        var name: String
        var engine: String
        var settings: [String: String]
        var weight: String?
        var accountId: UUID
    }

    var id: UUID
    var name: String
    var mode: Experiment.Mode
    var status: Experiment.Status
    var scope: ExperimentScope
    var variants: [Variant]
    var createdAt: Date
    var startedAt: Date?
    var stoppedAt: Date?

    init(_ experiment: Experiment) {
        id = experiment.id
        name = experiment.name
        mode = experiment.mode
        status = experiment.status
        scope = experiment.scope
        variants = experiment.variants.map {
            Variant(name: $0.name, engine: $0.engine, settings: $0.settings, weight: $0.weight.map { "\($0)" }, accountId: $0.accountID)
        }
        createdAt = experiment.createdAt
        startedAt = experiment.startedAt
        stoppedAt = experiment.stoppedAt
    }
}
