import BallastCore

/// Reads the hex strings of node answers that are not amounts: heights, hashes, fields.
enum EthereumHex {
    static func string(_ object: JSONValue, _ field: String) throws(EthereumResponseError) -> String {
        guard let text = object[field]?.stringValue else { throw .missingField(field) }
        return text
    }

    static func uint64(_ object: JSONValue, _ field: String) throws(EthereumResponseError) -> UInt64 {
        let quantity = try EthereumQuantity(hex: string(object, field))
        guard let value = quantity.uint64Value else { throw .valueOutOfRange(field: field, value: quantity.decimalString) }
        return value
    }

    /// A 32-byte hash, returned in lower case so that hashes compare as the same bytes.
    static func hash(_ object: JSONValue, _ field: String) throws(EthereumResponseError) -> String {
        let text = try string(object, field)
        let lower = text.lowercased()
        guard lower.count == 66, lower.hasPrefix("0x"), lower.dropFirst(2).allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
            throw .malformedHash(text)
        }
        return lower
    }
}
