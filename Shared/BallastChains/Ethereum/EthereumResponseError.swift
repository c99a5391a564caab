/// A node's answer that does not follow the Ethereum JSON-RPC formats; the scanner logs it
/// with the chain and method and retries, it never reads a guessed value.
public enum EthereumResponseError: Error, Equatable, CustomStringConvertible {
    case malformedHex(String, reason: String)
    case malformedAddress(String)
    case malformedHash(String)
    case valueOutOfRange(field: String, value: String)
    case malformedTransferLog(transactionHash: String, reason: String)
    case missingField(String)

    public var description: String {
        switch self {
        case .malformedHex(let text, let reason):
            "the node sent \(quoted(text)) where a hex quantity was expected: \(reason)"
        case .malformedAddress(let text):
            "the node sent \(quoted(text)) where an address (0x and 40 hex digits) was expected"
        case .malformedHash(let text):
            "the node sent \(quoted(text)) where a hash (0x and 64 hex digits) was expected"
        case .valueOutOfRange(let field, let value):
            "the node sent \(field) = \(value), which does not fit in 64 bits"
        case .malformedTransferLog(let transactionHash, let reason):
            "the Transfer log of transaction \(transactionHash) is malformed: \(reason)"
        case .missingField(let field):
            "the node's answer has no string field \(field)"
        }
    }
}

/// Quotes a node's text for an error message, cut short so a hostile node cannot flood the log.
private func quoted(_ text: String) -> String {
    let limit = 80
    return text.count > limit ? "\"\(text.prefix(limit))…\"" : "\"\(text)\""
}
