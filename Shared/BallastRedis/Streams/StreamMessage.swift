import BallastCore

/// A stream entry whose fields form a valid envelope, as handed to a handler.
public struct StreamMessage: Sendable {
    public var stream: String
    /// The Redis entry id (`1732546800000-0`), distinct from the envelope's idempotency key.
    public var entryID: String
    public var envelope: Envelope
    /// How many times this entry has been delivered to the group, this delivery included.
    public var deliveryCount: Int

    public init(stream: String, entryID: String, envelope: Envelope, deliveryCount: Int) {
        self.stream = stream
        self.entryID = entryID
        self.envelope = envelope
        self.deliveryCount = deliveryCount
    }
}

/// A stream entry as Redis returned it: its id and flat field/value pairs.
struct StreamEntry: Sendable {
    var id: String
    var fields: [(String, String)]

    var fieldMap: [String: String] {
        Dictionary(fields, uniquingKeysWith: { _, last in last })
    }

    /// Parses the `[[id, [field, value, ...]], ...]` part of an `XREADGROUP`/`XRANGE`/`XAUTOCLAIM` reply.
    /// Entries trimmed away while pending come back without fields and are returned in `deleted`.
    static func parse(_ reply: RedisReply) throws(RedisError) -> (entries: [StreamEntry], deleted: [String]) {
        guard let items = reply.array else {
            if reply.isNull { return ([], []) }
            throw .unexpectedReply("expected a list of stream entries")
        }
        var entries: [StreamEntry] = []
        var deleted: [String] = []
        entries.reserveCapacity(items.count)
        for item in items {
            guard let pair = item.array, pair.count == 2, let id = pair[0].string else {
                throw .unexpectedReply("expected [id, fields] in a stream entry")
            }
            guard let flat = pair[1].array else {
                deleted.append(id)
                continue
            }
            var fields: [(String, String)] = []
            fields.reserveCapacity(flat.count / 2)
            var index = 0
            while index + 1 < flat.count {
                fields.append((flat[index].string ?? "", flat[index + 1].string ?? ""))
                index += 2
            }
            entries.append(StreamEntry(id: id, fields: fields))
        }
        return (entries, deleted)
    }
}
