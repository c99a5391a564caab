/// A price or quantity with exactly eight decimal places, as exchanges quote them: a count of 1e-8 units in an `Int64`
/// (up to ±92,233,720,368.54775807). Text in and out is exact; nothing passes through binary floating point.
public struct FixedDecimal: Sendable, Hashable, Comparable, DecimalText {
    /// Decimal places the units stand for.
    public static let scale = 8
    /// Units in one whole: 10^8.
    public static let unitsPerWhole: Int64 = 100_000_000
    public static let zero = FixedDecimal(units: 0)

    /// The value in 1e-8 units: 1.5 is 150,000,000.
    public let units: Int64

    public init(units: Int64) {
        self.units = units
    }

    /// Parses `97000.5`, `-0.00000001`, `12`, `1.000000000` (zeros past the eighth place are fine). Refuses, rather than
    /// rounds, a ninth significant decimal place; refuses `+1`, `1.`, `.5`, exponents, spaces, separators and values
    /// out of range.
    public init?(_ text: some StringProtocol) {
        // A native string's bytes are parsed in place: several times faster than through its generic UTF-8 view.
        let parsed =
            text.utf8.withContiguousStorageIfAvailable { parseScaledDecimal($0, scale: Self.scale, as: UInt64.self) }
            ?? parseScaledDecimal(text.utf8, scale: Self.scale, as: UInt64.self)
        guard let (isNegative, magnitude) = parsed,
            let units = Int64(signedMagnitude: magnitude, isNegative: isNegative)
        else { return nil }
        self.units = units
    }

    /// The value if it has at most eight decimal places and fits; nil otherwise.
    public init?(exactly value: WideDecimal) {
        let (whole, remainder) = value.units.quotientAndRemainder(dividingBy: WideDecimal.unitsPerFixedUnit)
        guard remainder == 0, let units = Int64(exactly: whole) else { return nil }
        self.units = units
    }

    public var isPositive: Bool { units > 0 }

    /// The exact value with trailing fraction zeros trimmed: `97000.5`, `0.00000001`, `12`, `-3.25`.
    public var description: String {
        formatScaledDecimal(isNegative: units < 0, magnitude: units.magnitude, scale: Self.scale)
    }

    public static func < (lhs: FixedDecimal, rhs: FixedDecimal) -> Bool { lhs.units < rhs.units }

}

/// A wide exact decimal for sums, products and quotients of `FixedDecimal`s: a count of 1e-16 units in an `Int128`
/// (up to about ±1.7e22). A price times a quantity is exact here, and so are the volumes of a day of trades.
/// `+` and `-` trap on overflow, as `Int` does; sums of real volumes stay far from the limit.
public struct WideDecimal: Sendable, Hashable, Comparable, DecimalText {
    public static let scale = 16
    /// 1e-16 units in one 1e-8 unit of `FixedDecimal`.
    public static let unitsPerFixedUnit: Int128 = 100_000_000
    public static let zero = WideDecimal(units: 0)

    /// The value in 1e-16 units.
    public let units: Int128

    public init(units: Int128) {
        self.units = units
    }

    /// The same value, scaled up exactly.
    public init(_ value: FixedDecimal) {
        units = Int128(value.units) * Self.unitsPerFixedUnit
    }

    /// Parses like `FixedDecimal`, with up to sixteen significant decimal places.
    public init?(_ text: some StringProtocol) {
        guard let (isNegative, magnitude) = parseScaledDecimal(text.utf8, scale: Self.scale, as: UInt128.self),
            let units = Int128(signedMagnitude: magnitude, isNegative: isNegative)
        else { return nil }
        self.units = units
    }

    /// `a × b`, exactly (two values of eight places make one of sixteen).
    public static func product(_ a: FixedDecimal, _ b: FixedDecimal) -> WideDecimal {
        WideDecimal(units: Int128(a.units) * Int128(b.units))
    }

    /// `self ÷ divisor` rounded to eight decimal places, half away from zero (0.000000005 becomes 0.00000001,
    /// -0.000000005 becomes -0.00000001); nil when the divisor is zero or the quotient is beyond the range.
    public func divided(by divisor: WideDecimal) -> WideDecimal? {
        guard divisor.units != 0 else { return nil }
        let numerator = units.magnitude
        let denominator = divisor.units.magnitude
        // Both operands carry the same scale, so numerator ÷ denominator is the plain ratio; times 10^8 gives 1e-8 units.
        let scaled = numerator.multipliedFullWidth(by: 100_000_000)
        guard scaled.high < denominator else { return nil }
        let (quotient, remainder) = denominator.dividingFullWidth(scaled)
        guard quotient < UInt128.max / UInt128(Self.unitsPerFixedUnit) else { return nil }
        let rounded = remainder >= denominator - remainder ? quotient + 1 : quotient
        let isNegative = (units < 0) != (divisor.units < 0)
        guard let result = Int128(signedMagnitude: rounded * UInt128(Self.unitsPerFixedUnit), isNegative: isNegative) else {
            return nil
        }
        return WideDecimal(units: result)
    }

    /// The exact value with trailing fraction zeros trimmed: `1940000.25`, `0.0000000000000001`, `12`.
    public var description: String {
        formatScaledDecimal(isNegative: units < 0, magnitude: units.magnitude, scale: Self.scale)
    }

    public static func < (lhs: WideDecimal, rhs: WideDecimal) -> Bool { lhs.units < rhs.units }

    public static func + (lhs: WideDecimal, rhs: WideDecimal) -> WideDecimal { WideDecimal(units: lhs.units + rhs.units) }

    public static func - (lhs: WideDecimal, rhs: WideDecimal) -> WideDecimal { WideDecimal(units: lhs.units - rhs.units) }

    public static func += (lhs: inout WideDecimal, rhs: WideDecimal) { lhs = lhs + rhs }

}

extension FixedWidthInteger where Self: SignedInteger {
    /// The signed value of a sign and magnitude, or nil when it does not fit (the magnitude of `min` fits only negated).
    fileprivate init?(signedMagnitude magnitude: Magnitude, isNegative: Bool) {
        if isNegative {
            guard magnitude <= Self.min.magnitude else { return nil }
            self = magnitude == Self.min.magnitude ? Self.min : -Self(magnitude)
        } else {
            guard magnitude <= Self.max.magnitude else { return nil }
            self = Self(magnitude)
        }
    }
}

/// Reads `-?digits(.digits)?` as a count of 10^-scale units: sign and magnitude, or nil for any other form, for
/// significant digits beyond `scale` places, and on overflow.
private func parseScaledDecimal<Magnitude: FixedWidthInteger & UnsignedInteger>(
    _ bytes: some Collection<UInt8>, scale: Int, as _: Magnitude.Type
) -> (isNegative: Bool, magnitude: Magnitude)? {
    var magnitude: Magnitude = 0
    var index = bytes.startIndex
    let isNegative = index < bytes.endIndex && bytes[index] == UInt8(ascii: "-")
    if isNegative {
        index = bytes.index(after: index)
    }
    func append(_ digit: UInt8) -> Bool {
        let (shifted, overflowShifting) = magnitude.multipliedReportingOverflow(by: 10)
        let (sum, overflowAdding) = shifted.addingReportingOverflow(Magnitude(digit))
        magnitude = sum
        return !overflowShifting && !overflowAdding
    }
    var wholeDigits = 0
    while index < bytes.endIndex, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
        guard append(digit) else { return nil }
        wholeDigits += 1
        index = bytes.index(after: index)
    }
    guard wholeDigits > 0 else { return nil }
    var fractionDigits = 0
    if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
        index = bytes.index(after: index)
        var sawFractionDigit = false
        while index < bytes.endIndex, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
            sawFractionDigit = true
            if fractionDigits < scale {
                guard append(digit) else { return nil }
                fractionDigits += 1
            } else if digit != 0 {
                return nil
            }
            index = bytes.index(after: index)
        }
        guard sawFractionDigit else { return nil }
    }
    guard index == bytes.endIndex else { return nil }
    for _ in fractionDigits..<scale {
        guard append(0) else { return nil }
    }
    return (isNegative, magnitude)
}

/// Writes a count of 10^-scale units as a decimal, trailing fraction zeros trimmed.
private func formatScaledDecimal<Magnitude: FixedWidthInteger & UnsignedInteger>(
    isNegative: Bool, magnitude: Magnitude, scale: Int
) -> String {
    // Digits from the least significant up: at most 39 for 128 bits, a point and a sign.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
        var position = buffer.count
        func put(_ byte: UInt8) {
            position -= 1
            buffer[position] = byte
        }
        var rest = magnitude
        var place = 0
        var trimming = true
        while place < scale {
            let (quotient, digit) = rest.quotientAndRemainder(dividingBy: 10)
            rest = quotient
            place += 1
            if trimming && digit == 0 { continue }
            trimming = false
            put(UInt8(ascii: "0") + UInt8(digit))
        }
        if !trimming {
            put(UInt8(ascii: "."))
        }
        repeat {
            let (quotient, digit) = rest.quotientAndRemainder(dividingBy: 10)
            rest = quotient
            put(UInt8(ascii: "0") + UInt8(digit))
        } while rest > 0
        if isNegative && magnitude != 0 {
            put(UInt8(ascii: "-"))
        }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[position...]), as: UTF8.self)
    }
}
