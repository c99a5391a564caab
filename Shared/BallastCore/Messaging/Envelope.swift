import Foundation

/// One message on a Ballast stream, laid out as flat fields so that `redis-cli XRANGE` shows readable JSON.
///
/// `id` is the idempotency key consumers record; `data` is the JSON payload, kept as text so that it is
/// published exactly as the producer wrote it.
public struct Envelope: Sendable, Hashable {
    public var id: String
    public var type: String
    public var version: Int
    public var timestamp: Date
    public var data: String
    public var trace: String?

    public init(
        id: String = UUID.random().uuidString.lowercased(),
        type: String,
        version: Int = 1,
        timestamp: Date = Date(),
        data: String,
        trace: String? = nil
    ) {
        self.id = id
        self.type = type
        self.version = version
        self.timestamp = timestamp
        self.data = data
        self.trace = trace
    }

    /// An envelope whose `data` is the JSON encoding of `payload`.
    public init(
        id: String = UUID.random().uuidString.lowercased(),
        type: String,
        version: Int = 1,
        timestamp: Date = Date(),
        payload: some Encodable,
        trace: String? = nil
    ) throws {
        let json = try JSONCoding.encoder.encode(payload)
        self.init(
            id: id,
            type: type,
            version: version,
            timestamp: timestamp,
            data: String(decoding: json, as: UTF8.self),
            trace: trace
        )
    }

    /// Decodes `data` as `Payload`.
    public func decodePayload<Payload: Decodable>(_ type: Payload.Type) throws -> Payload {
        try JSONCoding.decoder.decode(Payload.self, from: Data(data.utf8))
    }

    /// Field/value pairs in the order they are written to the stream.
    public var fields: [(String, String)] {
        var fields = [
            (EnvelopeField.id, id),
            (EnvelopeField.type, type),
            (EnvelopeField.version, String(version)),
            (EnvelopeField.timestamp, RFC3339.string(from: timestamp)),
            (EnvelopeField.data, data),
        ]
        if let trace { fields.append((EnvelopeField.trace, trace)) }
        return fields
    }

    /// Parses the fields of a stream entry, naming the first field that is missing or malformed.
    public init(fields: [String: String]) throws(EnvelopeError) {
        func required(_ name: String) throws(EnvelopeError) -> String {
            guard let value = fields[name], !value.isEmpty else { throw .missingField(name) }
            return value
        }
        let id = try required(EnvelopeField.id)
        let type = try required(EnvelopeField.type)
        let versionText = try required(EnvelopeField.version)
        guard let version = Int(versionText), version > 0 else {
            throw .invalidField(EnvelopeField.version, "expected a positive integer, got '\(versionText)'")
        }
        let timestampText = try required(EnvelopeField.timestamp)
        guard let timestamp = RFC3339.date(from: timestampText) else {
            throw .invalidField(EnvelopeField.timestamp, "expected an RFC 3339 timestamp, got '\(timestampText)'")
        }
        let data = try required(EnvelopeField.data)
        guard (try? JSONValue(parsing: data.utf8)) != nil else {
            throw .invalidField(EnvelopeField.data, "not valid JSON")
        }
        self.init(id: id, type: type, version: version, timestamp: timestamp, data: data, trace: fields[EnvelopeField.trace])
    }
}

/// Field names of the stream envelope (see docs/architecture.md).
public enum EnvelopeField {
    public static let id = "id"
    public static let type = "type"
    public static let version = "v"
    public static let timestamp = "ts"
    public static let data = "data"
    public static let trace = "trace"
}

public enum EnvelopeError: Error, Equatable, CustomStringConvertible {
    case missingField(String)
    case invalidField(String, String)

    public var description: String {
        switch self {
        case .missingField(let name): "invalid envelope: field '\(name)' is missing"
        case .invalidField(let name, let reason): "invalid envelope: field '\(name)' \(reason)"
        }
    }
}
