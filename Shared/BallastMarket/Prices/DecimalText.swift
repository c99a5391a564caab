/// An exact decimal that travels as a JSON string (`"97000.5"`): written with `description`, read with
/// `init?(_:)`. JSON numbers are refused, because `Decoder`s read them as binary floating point.
public protocol DecimalText: Codable, CustomStringConvertible {
    /// Digits after the point at most.
    static var scale: Int { get }
    init?(_ text: some StringProtocol)
}

extension DecimalText {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a decimal with at most \(Self.scale) decimal places")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
