/// Why a position closed (stored in `positions.close_reason`, sent in `position.closed`).
public enum CloseReason: String, Sendable {
    case signal
    /// Closed through `POST /api/v1/positions/{id}/close`.
    case manual
    case stopLoss = "stop_loss"
    case takeProfit = "take_profit"
    case trailingStop = "trailing_stop"
    /// An option position settled at its contract's expiry.
    case expired
}
