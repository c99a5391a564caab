import BallastCore
import BallastRedis
import Foundation
import Logging
import Metrics

/// Handles `signal.received` messages from `ballast:signals`: each becomes exactly one decision. A message
/// that is not a signal is dead-lettered at once; a database or Redis failure leaves it pending, to be
/// delivered again (the decision row makes that safe).
public struct SignalConsumer: Sendable {
    public static let signalType = "signal.received"

    let executor: SignalExecutor
    let logger: Logger
    private let decisions = Counter(label: "ballast_signals_decided_total", dimensions: [("outcome", "accepted")])
    private let rejections = Counter(label: "ballast_signals_decided_total", dimensions: [("outcome", "rejected")])

    public init(executor: SignalExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
    }

    public func handle(_ message: StreamMessage) async throws {
        let signal = try Self.signal(in: message.envelope)
        switch try await executor.execute(signal) {
        case .ordered(let orderID, let status):
            decisions.increment()
            logger.debug(
                "signal executed", metadata: ["signal_id": "\(signal.id)", "order_id": "\(orderID)", "status": "\(status.rawValue)"])
        case .rejected:
            rejections.increment()
        case .alreadyDecided:
            logger.debug("signal decided before", metadata: ["signal_id": "\(signal.id)"])
        }
    }

    /// The signal document in `envelope`, or why there is none.
    static func signal(in envelope: Envelope) throws(UnprocessableMessage) -> SignalDocument {
        guard envelope.type == signalType else { throw UnprocessableMessage("expected type '\(signalType)', got '\(envelope.type)'") }
        do {
            return try envelope.decodePayload(SignalDocument.self)
        } catch {
            throw UnprocessableMessage("data is not a signal document: \(error)")
        }
    }
}
