/// A 20-byte account or contract address. Nodes write it in lower case, users often paste the
/// EIP-55 checksummed mixed case; both name the same account, so it is kept in lower case.
public struct EthereumAddress: Sendable, Hashable, CustomStringConvertible {
    /// `0x` and 40 lower-case hex digits.
    public let lowercased: String

    public init(_ text: String) throws(EthereumResponseError) {
        let lower = text.lowercased()
        guard lower.count == 42, lower.hasPrefix("0x"), lower.dropFirst(2).allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
            throw .malformedAddress(text)
        }
        lowercased = lower
    }

    /// The address held in the last 20 bytes of a 32-byte log topic.
    init(topic: String) throws(EthereumResponseError) {
        let digits = topic.lowercased().dropFirst(2)
        guard topic.count == 66, topic.lowercased().hasPrefix("0x"), digits.allSatisfy({ $0.isASCII && $0.isHexDigit }),
            digits.prefix(24).allSatisfy({ $0 == "0" })
        else { throw .malformedAddress(topic) }
        lowercased = "0x" + digits.suffix(40)
    }

    /// The address left-padded to 32 bytes, as an indexed event argument is stored in a topic.
    public var topic: String { "0x" + String(repeating: "0", count: 24) + lowercased.dropFirst(2) }

    public var description: String { lowercased }
}
