import BallastCore

/// Appends envelopes to streams with `XADD ... MAXLEN ~`, one at a time or pipelined in batches.
public struct StreamProducer: Sendable {
    public let client: RedisClient
    /// Approximate cap per stream; old entries are trimmed as new ones arrive.
    public let maxLength: Int

    public init(client: RedisClient, maxLength: Int = 1_000_000) {
        self.client = client
        self.maxLength = maxLength
    }

    /// Appends one envelope and returns its entry id.
    @discardableResult
    public func publish(_ envelope: Envelope, to stream: String) async throws(RedisError) -> String {
        let reply = try await client.send(StreamCommands.add(stream: stream, fields: envelope.fields, maxLength: maxLength))
        guard let id = reply.string else { throw .unexpectedReply("XADD returned no entry id") }
        return id
    }

    /// Appends every envelope in one round trip and returns their entry ids in order.
    /// Throws the first error reply; entries before it were appended (consumers dedupe by envelope id).
    @discardableResult
    public func publish(_ batch: [(stream: String, envelope: Envelope)]) async throws(RedisError) -> [String] {
        let commands = batch.map { StreamCommands.add(stream: $0.stream, fields: $0.envelope.fields, maxLength: maxLength) }
        return try await publish(commands)
    }

    /// Pipelined `XADD`s of raw field lists, for relays that already hold the fields.
    func publish(_ commands: [RedisCommand]) async throws(RedisError) -> [String] {
        let replies = try await client.pipeline(commands)
        var ids: [String] = []
        ids.reserveCapacity(replies.count)
        for reply in replies {
            guard let id = try reply.checked().string else { throw .unexpectedReply("XADD returned no entry id") }
            ids.append(id)
        }
        return ids
    }

    /// Appends a raw field list (already in envelope layout) to a stream, pipelined.
    public func publish(fields batch: [(stream: String, fields: [(String, String)])]) async throws(RedisError) -> [String] {
        try await publish(batch.map { StreamCommands.add(stream: $0.stream, fields: $0.fields, maxLength: maxLength) })
    }
}
