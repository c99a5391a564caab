/// Why a trade was refused.
public enum TradeError: Error, Sendable, Hashable, CustomStringConvertible {
    case emptySymbol
    case nonPositivePrice(FixedDecimal)
    case nonPositiveQuantity(FixedDecimal)
    case emptyID
    case idTooLong
    /// A character an id may not hold, and its position (from 1).
    case idCharacter(Unicode.Scalar, position: Int)
    case timeOutOfRange(Int64)

    public var description: String {
        switch self {
        case .emptySymbol: "the trade has an empty symbol"
        case .nonPositivePrice(let price): "the trade price must be positive, got \(price)"
        case .nonPositiveQuantity(let quantity): "the trade quantity must be positive, got \(quantity)"
        case .emptyID: "the trade id is empty"
        case .idTooLong: "the trade id is longer than \(TradeID.maximumLength) characters"
        case .idCharacter(let scalar, let position):
            "the trade id may hold only visible ASCII characters (! through ~), but character \(position) is \(Self.codePoint(scalar))"
        case .timeOutOfRange(let time): "the trade time \(time) ms is outside years 1 through 9999"
        }
    }

    /// `U+0020`: names the character without printing it (it may be a control character).
    private static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
