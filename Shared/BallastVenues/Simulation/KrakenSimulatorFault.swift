import Foundation

/// A failure the simulated Kraken plays for a private method's next calls, so that a client's handling of lost and
/// refused answers is tested: whether it looks an order up by its `cl_ord_id` before sending it again.
public enum KrakenSimulatorFault: Sendable, Equatable {
    /// Answers Kraken's envelope with this error (`EAPI:Rate limit exceeded`, `EService:Unavailable`) and does
    /// nothing.
    case error(String)
    /// Does the work (places the order), then holds the answer for `hold` (or until the simulator stops), past any
    /// client's timeout, and only then answers.
    case processThenStall(hold: Duration)
    /// Does the work, then closes the connection without answering.
    case processThenDrop
    /// Does nothing and holds the request for `hold` (or until the simulator stops), then closes the connection
    /// without answering.
    case stallWithoutProcessing(hold: Duration)

    /// Whether the call's work is done before the answer is lost.
    var processes: Bool {
        switch self {
        case .error, .stallWithoutProcessing: false
        case .processThenStall, .processThenDrop: true
        }
    }
}
