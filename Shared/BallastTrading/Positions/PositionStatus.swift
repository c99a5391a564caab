/// Whether a position is still held (`positions.status`).
public enum PositionStatus: String, Sendable, CaseIterable {
    case open, closed
}
