import BallastCore
import Foundation
import Logging
import PostgresNIO

/// Lets a user's signals through in the order ingest accepted them (`SignalDocument.sequence`).
///
/// Opened inside the deciding transaction, it locks the user's `signal_progress` row, so two batches of one
/// user (two instances, a reclaim beside a fresh read) take turns. A signal whose predecessors are not all
/// decided is kept in `held_signals` and its message acknowledged; it is decided in the transaction that
/// decides the last missing one. A hole that never fills (its message dead-lettered) is passed over by
/// `passGap()` after a bounded wait and recorded in `signal_sequence_gaps`; a signal that turns up after
/// its place was passed is rejected as out of sequence rather than acted on late.
struct SignalSequenceGate {
    /// What to do with a signal that came through the gate.
    enum Admission: Equatable {
        /// Its turn: decide it.
        case decide
        /// Its place was passed (or it was decided before): reject it unless already decided.
        case late
    }

    let user: UUID
    private(set) var decidedThrough: Int64
    private let decidedBefore: Int64
    /// Held signals by sequence, as stored before this transaction.
    private var stored: [Int64: SignalDocument]
    private var releasedFromStore: [Int64] = []
    private var heldNow: [SignalDocument] = []
    private var passed: ClosedRange<Int64>?

    /// Locks the user's progress and reads what is held.
    static func open(user: UUID, on connection: PostgresConnection, logger: Logger) async throws -> SignalSequenceGate {
        let rows = try await connection.query(
            """
            WITH progress AS (
                INSERT INTO signal_progress AS p (user_id) VALUES (\(user))
                ON CONFLICT (user_id) DO UPDATE SET decided_through = p.decided_through
                RETURNING p.decided_through
            )
            SELECT progress.decided_through, h.sequence, h.document
            FROM progress LEFT JOIN held_signals h ON h.user_id = \(user)
            """,
            logger: logger
        )
        var decidedThrough: Int64 = 0
        var stored: [Int64: SignalDocument] = [:]
        for try await (through, sequence, document) in rows.decode((Int64, Int64?, String?).self) {
            decidedThrough = through
            if let sequence, let document {
                stored[sequence] = try JSONCoding.decoder.decode(SignalDocument.self, from: Data(document.utf8))
            }
        }
        return SignalSequenceGate(user: user, decidedThrough: decidedThrough, decidedBefore: decidedThrough, stored: stored)
    }

    private init(user: UUID, decidedThrough: Int64, decidedBefore: Int64, stored: [Int64: SignalDocument]) {
        self.user = user
        self.decidedThrough = decidedThrough
        self.decidedBefore = decidedBefore
        self.stored = stored
    }

    /// The oldest signal held, if any.
    var lowestHeld: Int64? { stored.keys.min() }

    /// Gives up waiting for the sequences before the lowest held signal: they are recorded as passed and the
    /// held signals become decidable. Call before `admit`.
    mutating func passGap() {
        guard let lowest = lowestHeld, lowest > decidedThrough + 1 else { return }
        passed = (decidedThrough + 1)...(lowest - 1)
        decidedThrough = lowest - 1
    }

    /// The signals to decide now, in order, with held signals that became decidable, and how each is to be
    /// decided. Incoming signals not returned are held. Signals without a sequence (published before
    /// sequences existed) go through first, in their order.
    mutating func admit(_ incoming: [SignalDocument]) -> [(signal: SignalDocument, admission: Admission)] {
        var admitted: [(SignalDocument, Admission)] = []
        var waiting = stored
        var fromStore = Set(stored.keys)
        for signal in incoming {
            guard let sequence = signal.sequence else {
                admitted.append((signal, .decide))
                continue
            }
            if sequence <= decidedThrough {
                admitted.append((signal, .late))
            } else if waiting[sequence] == nil {
                waiting[sequence] = signal
            }
        }
        while let next = waiting.removeValue(forKey: decidedThrough + 1) {
            admitted.append((next, .decide))
            decidedThrough += 1
            if fromStore.remove(decidedThrough) != nil { releasedFromStore.append(decidedThrough) }
        }
        heldNow = waiting.filter { !fromStore.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
        for sequence in releasedFromStore { stored.removeValue(forKey: sequence) }
        return admitted
    }

    /// Whether `signal` was held by the last `admit` (or was already held).
    func isHeld(_ signal: SignalDocument) -> Bool {
        guard let sequence = signal.sequence else { return false }
        return sequence > decidedThrough
    }

    /// Writes the progress, the newly held signals, the released ones and a passed gap, in the caller's
    /// transaction: one statement, and none when nothing changed.
    func save(on connection: PostgresConnection, logger: Logger) async throws {
        guard decidedThrough != decidedBefore || !heldNow.isEmpty || !releasedFromStore.isEmpty else { return }
        let sequences = heldNow.compactMap(\.sequence)
        let ids = heldNow.map(\.id)
        let documents = try heldNow.map { String(decoding: try JSONCoding.encoder.encode($0), as: UTF8.self) }
        try await connection.query(
            """
            WITH progress AS (
                UPDATE signal_progress SET decided_through = \(decidedThrough), updated_at = now() WHERE user_id = \(user)
            ),
            released AS (
                DELETE FROM held_signals WHERE user_id = \(user) AND sequence = ANY(\(releasedFromStore))
            ),
            gap AS (
                INSERT INTO signal_sequence_gaps (user_id, first_sequence, last_sequence)
                SELECT \(user), \(passed?.lowerBound), \(passed?.upperBound) WHERE \(passed != nil)
                ON CONFLICT DO NOTHING
            )
            INSERT INTO held_signals (user_id, sequence, signal_id, document)
            SELECT \(user), h.sequence, h.signal_id, h.document
            FROM unnest(\(sequences)::int8[], \(ids)::uuid[], \(documents)::text[]) AS h(sequence, signal_id, document)
            ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
        if let passed {
            logger.warning(
                "signals passed over after waiting for them",
                metadata: ["user_id": "\(user)", "first_sequence": "\(passed.lowerBound)", "last_sequence": "\(passed.upperBound)"])
        }
    }
}
