/// An unsigned integer of up to 256 bits as Ethereum nodes send it: a hex string with `0x`.
///
/// Wei values and ERC-20 amounts are `uint256` on chain; binary floating point would round them and a
/// `UInt64` overflows at about 18.4 ETH, so the value is kept exact in two 128-bit halves.
public struct EthereumQuantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let high: UInt128
    public let low: UInt128

    public static let zero = EthereumQuantity(0)

    public init(_ value: UInt128) {
        high = 0
        low = value
    }

    public init(high: UInt128, low: UInt128) {
        self.high = high
        self.low = low
    }

    /// Reads `0x`-prefixed hex of 1 to 64 digits (leading zeros allowed: log data is padded).
    public init(hex text: String) throws(EthereumResponseError) {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else {
            throw .malformedHex(text, reason: "it does not start with 0x")
        }
        let digits = text.dropFirst(2)
        guard !digits.isEmpty else { throw .malformedHex(text, reason: "it has no digits after 0x") }
        let significant = digits.drop { $0 == "0" }
        guard significant.count <= 64 else {
            throw .malformedHex(text, reason: "it is larger than 256 bits")
        }
        var high: UInt128 = 0
        var low: UInt128 = 0
        for character in digits {
            guard let nibble = character.hexDigitValue else {
                throw .malformedHex(text, reason: "'\(character)' is not a hex digit")
            }
            high = (high << 4) | (low >> 124)
            low = (low << 4) | UInt128(nibble)
        }
        self.init(high: high, low: low)
    }

    /// The value if it fits, for heights, timestamps and log indexes.
    public var uint64Value: UInt64? {
        high == 0 && low <= UInt128(UInt64.max) ? UInt64(low) : nil
    }

    /// The shortest hex form with `0x`, as a node writes a quantity (`0x0` for zero).
    public var hexString: String {
        if high == 0 { return "0x" + String(low, radix: 16) }
        let lowDigits = String(low, radix: 16)
        return "0x" + String(high, radix: 16) + String(repeating: "0", count: 32 - lowDigits.count) + lowDigits
    }

    /// The 64 hex digits of the value padded to 32 bytes, as in log data and topics.
    public var paddedHexString: String {
        let digits = String(hexString.dropFirst(2))
        return "0x" + String(repeating: "0", count: 64 - digits.count) + digits
    }

    /// The exact base-10 digits, for amounts stored and shown as decimals.
    public var decimalString: String {
        if high == 0 { return String(low) }
        var digits: [Character] = []
        var remainingHigh = high
        var remainingLow = low
        while remainingHigh != 0 || remainingLow != 0 {
            let (quotientHigh, remainderHigh) = remainingHigh.quotientAndRemainder(dividingBy: 10)
            let (quotientLow, remainder) = UInt128(10).dividingFullWidth((remainderHigh, remainingLow))
            digits.append(Character(String(remainder)))
            remainingHigh = quotientHigh
            remainingLow = quotientLow
        }
        return String(digits.reversed())
    }

    public var description: String { decimalString }

    public static func < (lhs: EthereumQuantity, rhs: EthereumQuantity) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
