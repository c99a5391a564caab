import BallastCore
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Runs one consumer of a consumer group: reads, hands messages to the handler, acknowledges the
/// ones it processed, reclaims entries other consumers abandoned, and dead-letters the ones that
/// keep failing.
///
/// Delivery is at least once: an entry is acknowledged only after its handler succeeded, so a crash
/// before `XACK` means another delivery; handlers make effects idempotent (see `IdempotentConsumer`).
public final class StreamConsumer: Service, Sendable {
    public let configuration: StreamConsumerConfiguration
    private let client: RedisClient
    private let handler: any StreamMessageHandler
    private let health: HealthRegistry?
    private let alarms: WorkerAlarms?
    private let logger: Logger
    private let metrics: StreamConsumerMetrics

    public init(
        configuration: StreamConsumerConfiguration,
        client: RedisClient,
        handler: any StreamMessageHandler,
        health: HealthRegistry? = nil,
        alarms: WorkerAlarms? = nil,
        logger: Logger
    ) {
        self.configuration = configuration
        self.client = client
        self.handler = handler
        self.health = health
        self.alarms = alarms
        var logger = logger
        logger[metadataKey: "stream"] = .string(configuration.stream)
        logger[metadataKey: "group"] = .string(configuration.group)
        self.logger = logger
        self.metrics = StreamConsumerMetrics(stream: configuration.stream, group: configuration.group)
        health?.register(healthComponent)
    }

    public var healthComponent: String {
        "consumer \(configuration.stream)" + (configuration.readerNumber.map { " #\($0)" } ?? "")
    }

    /// The name its failures are counted under in `WorkerAlarms`: shared by a process's readers of the stream, which run
    /// the same handler.
    public var alarmName: String { "consumer \(configuration.stream)" }

    /// Reads until a graceful shutdown is requested; a batch in flight is finished and acknowledged first.
    public func run() async throws {
        let reader = client.makeDedicatedConnection(
            name: "read-\(configuration.stream)",
            commandTimeout: configuration.block + .seconds(5)
        )
        var backoff = Backoff()
        var hasGroup = false
        var lastClaim = ContinuousClock.now - configuration.claimInterval
        // Entries read while the previous batch was processed; they are this consumer's pending entries.
        var prefetched: [StreamEntry] = []
        logger.info("consumer starting", metadata: ["consumer": .string(configuration.consumer)])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if !hasGroup {
                    try await createGroup()
                    hasGroup = true
                }
                if ContinuousClock.now - lastClaim >= configuration.claimInterval {
                    try await reclaimAbandoned(keeping: Set(prefetched.map(\.id)))
                    await removeIdleConsumers()
                    lastClaim = .now
                }
                var entries = prefetched
                prefetched = []
                if entries.isEmpty { entries = try await readNew(on: reader) }
                health?.set(healthComponent, healthy: true)
                backoff.reset()
                if !entries.isEmpty {
                    try await process(entries, readAhead: &prefetched, reader: reader)
                }
            } catch let error as RedisError where error.isMissingGroup {
                logger.warning("consumer group is gone; creating it again", metadata: ["error": .error(error)])
                hasGroup = false
            } catch {
                health?.set(healthComponent, healthy: false)
                alarms?.failed(alarmName, error: error)
                logger.warning("stream read failed; retrying", metadata: ["error": .error(error)])
                do { try await backoff.wait() } catch { break }
            }
        }
        if !prefetched.isEmpty {
            do {
                try await process(prefetched.map { ($0, 1) })
            } catch {
                logger.warning("last batch not processed; another instance will claim it", metadata: ["error": .error(error)])
            }
        }
        await leaveGroupIfDone()
        health?.set(healthComponent, healthy: false)
        logger.info("consumer stopped", metadata: ["consumer": .string(configuration.consumer)])
    }

    /// Processes `entries` while the next batch is read into `readAhead`, so Redis and the handler's own
    /// work overlap. Only the read runs ahead: batches are still handled one at a time, in order, and a
    /// batch read ahead is kept even when this one fails.
    private func process(_ entries: [StreamEntry], readAhead: inout [StreamEntry], reader: RedisConnection) async throws {
        async let next = readNew(on: reader)
        var failure: (any Error)?
        do {
            try await process(entries.map { ($0, 1) })
        } catch {
            failure = error
        }
        readAhead = try await next
        if let failure { throw failure }
    }

    private func createGroup() async throws(RedisError) {
        try await ConsumerGroups.create(stream: configuration.stream, group: configuration.group, client: client)
    }

    private func readNew(on reader: RedisConnection) async throws(RedisError) -> [StreamEntry] {
        let reply = try await reader.send(
            StreamCommands.readGroup(
                stream: configuration.stream,
                group: configuration.group,
                consumer: configuration.consumer,
                count: configuration.batchSize,
                block: configuration.block
            )
        )
        // Reply: [[stream, [[id, [field, value, ...]], ...]]], or null when the block timed out.
        guard let streams = reply.array, let first = streams.first?.array, first.count == 2 else { return [] }
        let parsed = try StreamEntry.parse(first[1])
        return parsed.entries
    }

    /// Claims entries idle longer than the processing timeout, from any consumer of the group. Entries this
    /// consumer read ahead (`readAhead`) come back too once they are idle that long; they are left to their batch.
    private func reclaimAbandoned(keeping readAhead: Set<String>) async throws {
        var cursor = "0-0"
        repeat {
            let reply = try await client.send(
                StreamCommands.autoClaim(
                    stream: configuration.stream,
                    group: configuration.group,
                    consumer: configuration.consumer,
                    minIdle: configuration.processingTimeout,
                    cursor: cursor,
                    count: configuration.batchSize
                )
            )
            // Reply: [next cursor, entries, ids of deleted entries (Redis 7)].
            guard let parts = reply.array, parts.count >= 2, let next = parts[0].string else {
                throw RedisError.unexpectedReply("XAUTOCLAIM")
            }
            cursor = next
            let parsed = try StreamEntry.parse(parts[1])
            if !parsed.deleted.isEmpty {
                // Trimmed while pending: nothing left to process; drop them from the pending list.
                try await acknowledge(parsed.deleted)
            }
            let abandoned = parsed.entries.filter { !readAhead.contains($0.id) }
            guard !abandoned.isEmpty else { continue }
            let counts = try await deliveryCounts(of: abandoned.map(\.id))
            metrics.reclaimed.increment(by: abandoned.count)
            logger.info("reclaimed abandoned entries", metadata: ["count": "\(abandoned.count)"])
            // An unknown count (the entry left the pending list meanwhile) counts as a first delivery: the
            // handler runs, and a failure leaves the entry for a later reclaim that knows its count.
            try await process(abandoned.map { ($0, counts[$0.id] ?? 1) })
        } while cursor != "0-0" && !Task.isShuttingDownGracefully
    }

    /// Each entry's delivery count, asked entry by entry in one round trip: a range query, limited in
    /// count, stops short when other pending entries lie between the ids.
    private func deliveryCounts(of ids: [String]) async throws(RedisError) -> [String: Int] {
        let commands = ids.map { StreamCommands.pending(stream: configuration.stream, group: configuration.group, id: $0) }
        var counts: [String: Int] = [:]
        for reply in try await client.pipeline(commands) {
            // Each reply: [[id, consumer, idle milliseconds, deliveries]], or empty.
            guard let fields = try reply.checked().array?.first?.array, fields.count == 4,
                let id = fields[0].string, let count = fields[3].integer
            else { continue }
            counts[id] = count
        }
        return counts
    }

    /// Deletes the group's consumers that hold nothing and have been idle past `idleConsumerTimeout`:
    /// names of instances that stopped without leaving. Housekeeping: a failure is logged, not retried.
    private func removeIdleConsumers() async {
        let command = RedisCommand([
            "EVAL", StreamScripts.deleteIdleConsumers, "1", configuration.stream, configuration.group,
            String(configuration.idleConsumerTimeout.wholeMilliseconds), configuration.consumer,
        ])
        do {
            let removed = try await client.send(command).array?.compactMap(\.string) ?? []
            if !removed.isEmpty {
                logger.info("removed idle consumers", metadata: ["consumers": .array(removed.map { .string($0) })])
            }
        } catch {
            logger.warning("cannot remove idle consumers", metadata: ["error": .error(error)])
        }
    }

    /// Deletes this consumer from the group on the way out, unless it still holds pending entries:
    /// deleting it would drop them, while kept they are reclaimed by another consumer.
    private func leaveGroupIfDone() async {
        let command = RedisCommand([
            "EVAL", StreamScripts.deleteConsumerIfDone, "1", configuration.stream, configuration.group, configuration.consumer,
        ])
        do {
            if try await client.send(command).integer == 1 {
                logger.info("consumer left its group", metadata: ["consumer": .string(configuration.consumer)])
            }
        } catch {
            logger.warning("consumer could not leave its group", metadata: ["error": .error(error)])
        }
    }

    /// Hands valid envelopes to the handler, then acknowledges successes and dead-letters what cannot succeed.
    private func process(_ batch: [(entry: StreamEntry, deliveries: Int)]) async throws {
        var messages: [StreamMessage] = []
        var deadLetters: [DeadLetter] = []
        for (entry, deliveries) in batch {
            if deliveries > configuration.maxDeliveries {
                deadLetters.append(
                    DeadLetter(
                        entry: entry,
                        deliveries: deliveries - 1,
                        reason: "not acknowledged after \(deliveries - 1) deliveries (consumer crashed or timed out)"
                    )
                )
                continue
            }
            do {
                let envelope = try Envelope(fields: entry.fieldMap)
                messages.append(
                    StreamMessage(stream: configuration.stream, entryID: entry.id, envelope: envelope, deliveryCount: deliveries)
                )
            } catch {
                deadLetters.append(DeadLetter(entry: entry, deliveries: deliveries, reason: error.description))
            }
        }

        var processed: [String] = []
        if !messages.isEmpty {
            let started = ContinuousClock.now
            let results = await handler.handle(messages)
            metrics.batchDuration.recordNanoseconds((ContinuousClock.now - started).wholeNanoseconds)
            reportToAlarm(messages, results)
            for (message, result) in zip(messages, results) {
                switch result {
                case .success:
                    processed.append(message.entryID)
                case .failure(let error):
                    var failureLogger = logger
                    failureLogger[metadataKey: "message_id"] = .string(message.envelope.id)
                    failureLogger[metadataKey: "entry_id"] = .string(message.entryID)
                    failureLogger[metadataKey: "deliveries"] = "\(message.deliveryCount)"
                    if error is UnprocessableMessage || message.deliveryCount >= configuration.maxDeliveries {
                        failureLogger.error("message dead-lettered", metadata: ["error": .error(error)])
                        deadLetters.append(
                            DeadLetter(
                                entry: StreamEntry(id: message.entryID, fields: message.envelope.fields),
                                deliveries: message.deliveryCount,
                                reason: diagnosis(of: error)
                            )
                        )
                    } else {
                        failureLogger.warning("message failed; it will be retried", metadata: ["error": .error(error)])
                        metrics.failed.increment()
                    }
                }
            }
        }
        try await acknowledge(processed)
        metrics.acknowledged.increment(by: processed.count)
        try await deadLetter(deadLetters)
    }

    /// A batch counts once: a failure when the handler failed any message it could have processed (a message it refused
    /// as unprocessable is the message's fault, not the worker's), a success when it failed none.
    private func reportToAlarm(_ messages: [StreamMessage], _ results: [Result<Void, any Error>]) {
        guard let alarms else { return }
        var failed: [(message: StreamMessage, error: any Error)] = []
        for (message, result) in zip(messages, results) {
            if case .failure(let error) = result, !(error is UnprocessableMessage) { failed.append((message, error)) }
        }
        guard let first = failed.first else {
            alarms.succeeded(alarmName)
            return
        }
        // The messages' owner, read only from failed ones (rare): an event's or a signal's `userId`.
        let owners = failed.map { owner(of: $0.message) }
        let sharedOwner = owners.allSatisfy { $0 != nil && $0 == owners[0] } ? owners[0] : nil
        alarms.failed(alarmName, error: first.error, owner: sharedOwner)
    }

    private func owner(of message: StreamMessage) -> UUID? {
        guard case .string(let text)? = (try? JSONValue(parsing: message.envelope.data.utf8))?["userId"] else { return nil }
        return UUID(uuidString: text)
    }

    private func acknowledge(_ ids: [String]) async throws(RedisError) {
        guard !ids.isEmpty else { return }
        try await client.send(StreamCommands.acknowledge(stream: configuration.stream, group: configuration.group, ids: ids))
    }

    /// Copies each entry to `<stream>:dlq` with why it failed, then acknowledges it; in that order, so a
    /// crash in between leaves the entry pending rather than lost.
    private func deadLetter(_ letters: [DeadLetter]) async throws(RedisError) {
        guard !letters.isEmpty else { return }
        let queue = StreamName.deadLetter(of: configuration.stream)
        let commands = letters.map { letter in
            StreamCommands.add(stream: queue, fields: letter.fields(group: configuration.group), maxLength: 1_000_000)
        }
        for reply in try await client.pipeline(commands) { try reply.checked() }
        try await acknowledge(letters.map(\.entry.id))
        metrics.deadLettered.increment(by: letters.count)
        for letter in letters {
            logger.error(
                "entry moved to dead-letter stream",
                metadata: ["entry_id": .string(letter.entry.id), "dlq": .string(queue), "reason": .string(letter.reason)]
            )
        }
    }
}

/// An entry on its way to `<stream>:dlq`: its original fields plus why and after how many deliveries.
private struct DeadLetter {
    var entry: StreamEntry
    var deliveries: Int
    var reason: String

    func fields(group: String) -> [(String, String)] {
        entry.fields + [
            ("error", reason),
            ("deliveries", String(deliveries)),
            ("group", group),
            ("source_entry_id", entry.id),
            ("dead_lettered_at", RFC3339.string(from: Date())),
        ]
    }
}

private struct StreamConsumerMetrics: Sendable {
    let acknowledged: Counter
    let failed: Counter
    let deadLettered: Counter
    let reclaimed: Counter
    let batchDuration: Timer

    init(stream: String, group: String) {
        let dimensions = [("stream", stream), ("group", group)]
        acknowledged = Counter(label: "ballast_stream_messages_acked_total", dimensions: dimensions)
        failed = Counter(label: "ballast_stream_messages_failed_total", dimensions: dimensions)
        deadLettered = Counter(label: "ballast_stream_messages_dead_lettered_total", dimensions: dimensions)
        reclaimed = Counter(label: "ballast_stream_messages_reclaimed_total", dimensions: dimensions)
        batchDuration = Timer(label: "ballast_stream_batch_duration", dimensions: dimensions)
    }
}

extension Duration {
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
