import BallastCore

/// A venue's trade id, opaque: 1 to 64 visible ASCII characters (`!` through `~`; no spaces, no control or non-ASCII
/// characters), unique per symbol. Binance and Coinbase number their trades, Kraken writes `TXXXXX-XXXXX-XXXXXX`, others
/// use UUIDs: all are ids as they were sent, compared as text (`"0123"` and `"123"` are two trades).
///
/// Ids order by length, then byte by byte (`TradeID.<`): for digit-only ids without leading zeros that is their
/// numeric order, so a venue that numbers its trades keeps its order. Such an id that fits an `Int64` is held as the
/// number (no string to allocate, compare or hash on the hot path) and written to JSON as a number, as Binance's
/// clients expect; every other id is a JSON string.
public struct TradeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let maximumLength = 64

    /// Canonical: a digit-only id without leading zeros that fits an `Int64` is always `.number`, so the synthesized
    /// equality and hash agree with the text.
    private enum Storage: Sendable, Hashable {
        case number(Int64)
        case text(String)
    }

    private let storage: Storage

    /// The id `text`, or why it is not one.
    public init(_ text: some StringProtocol) throws(TradeError) {
        let bytes = text.utf8
        guard !bytes.isEmpty else { throw .emptyID }
        var digitsOnly = true
        var count = 0
        for byte in bytes {
            count += 1
            guard count <= Self.maximumLength else { throw .idTooLong }
            guard Self.allowed.contains(byte) else { throw Self.characterError(in: text) }
            if byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") { digitsOnly = false }
        }
        if digitsOnly, count <= 19, count == 1 || bytes.first != UInt8(ascii: "0"), let number = Int64(text) {
            storage = .number(number)
        } else {
            storage = .text(String(text))
        }
    }

    /// The id a venue numbered `number`.
    public init(_ number: UInt64) {
        storage = number <= UInt64(Int64.max) ? .number(Int64(number)) : .text(String(number))
    }

    /// The id as it was sent.
    public var description: String {
        switch storage {
        case .number(let number): String(number)
        case .text(let text): text
        }
    }

    /// The id as a JSON number when it is written as one: digit-only, no leading zeros, within `Int64`.
    public var jsonNumber: Int64? {
        if case .number(let number) = storage { return number }
        return nil
    }

    /// Appends the id as JSON: a number when `jsonNumber` has one, a string otherwise.
    public func writeJSON(to json: inout String) {
        switch storage {
        case .number(let number): json += String(number)
        case .text(let text): JSONValue.writeQuoted(text, to: &json)
        }
    }

    /// Shorter ids first, then byte order: numeric order for digit-only ids without leading zeros.
    public static func < (lhs: TradeID, rhs: TradeID) -> Bool {
        if case .number(let left) = lhs.storage, case .number(let right) = rhs.storage { return left < right }
        let left = lhs.description.utf8
        let right = rhs.description.utf8
        guard left.count == right.count else { return left.count < right.count }
        return left.lexicographicallyPrecedes(right)
    }

    /// Visible ASCII, `!` through `~`.
    private static let allowed: ClosedRange<UInt8> = 0x21...0x7E

    /// The first character of `text` that an id may not hold, and its position (from 1).
    private static func characterError(in text: some StringProtocol) -> TradeError {
        for (offset, scalar) in text.unicodeScalars.enumerated() where !(0x21...0x7E).contains(scalar.value) {
            return .idCharacter(scalar, position: offset + 1)
        }
        return .emptyID
    }
}

extension TradeID: Codable {
    /// A non-negative JSON integer or a string holding an id.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(UInt64.self) {
            self.init(number)
            return
        }
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch storage {
        case .number(let number): try container.encode(number)
        case .text(let text): try container.encode(text)
        }
    }
}

extension TradeID: ExpressibleByIntegerLiteral {
    /// A venue's numbered trade, as code and tests write it.
    public init(integerLiteral value: UInt64) {
        self.init(value)
    }
}
