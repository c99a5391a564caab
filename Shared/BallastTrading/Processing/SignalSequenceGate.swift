import BallastCore
import Foundation
import Logging
import PostgresNIO

/// Makes a user's signals go through in the order ingest accepted them (`SignalDocument.sequence`).
///
/// Opened inside the deciding transaction, it locks the user's `signal_progress` row (the highest sequence
/// decided), so two batches of one user (two instances, a reclaim beside a fresh read) take turns. When a
/// batch holds signal n and some of the numbers before it are not decided yet (their messages failed, are
/// pending on a dead instance, or simply come later on the stream), those signals are read from the
/// `signals` table (`signal_numbers` says which is which) and decided first, in order, in the same
/// transaction. Nothing waits: ingest numbers a user's signals under a row lock held to commit, so every
/// number below n was committed before n was, and is visible here. A number whose signal is gone (deleted
/// with its user) is passed over and recorded in `signal_sequence_gaps`. A signal whose number is already
/// behind the progress and that was never decided (only such a passed number, or signals numbered by an
/// older signal-processor before this one started) is rejected as out of sequence, not acted on late.
struct SignalSequenceGate {
    /// How a signal that came through the gate is to be decided.
    enum Admission: Equatable {
        /// Its turn: decide it.
        case decide
        /// Its place is behind the progress: reject it unless it was decided before.
        case late
    }

    let user: UUID
    private(set) var decidedThrough: Int64
    private let decidedBefore: Int64
    private var passed: [ClosedRange<Int64>] = []

    /// Locks the user's progress, creating it on the user's first signal.
    static func open(user: UUID, on connection: PostgresConnection, logger: Logger) async throws -> SignalSequenceGate {
        if let through = try await lockedProgress(of: user, on: connection, logger: logger) {
            return SignalSequenceGate(user: user, decidedThrough: through)
        }
        // First signal of the user since migration 17: start after the highest number an earlier
        // signal-processor decided, so its work is not reconsidered.
        try await connection.query(
            """
            INSERT INTO signal_progress (user_id, decided_through)
            SELECT \(user), coalesce(max(n.sequence), 0)
            FROM signal_numbers n JOIN signal_decisions d ON d.signal_id = n.signal_id
            WHERE n.user_id = \(user)
            ON CONFLICT (user_id) DO NOTHING
            """,
            logger: logger
        )
        return SignalSequenceGate(user: user, decidedThrough: try await lockedProgress(of: user, on: connection, logger: logger) ?? 0)
    }

    private static func lockedProgress(of user: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        let rows = try await connection.query(
            "SELECT decided_through FROM signal_progress WHERE user_id = \(user) FOR UPDATE", logger: logger)
        for try await through in rows.decode(Int64.self) { return through }
        return nil
    }

    private init(user: UUID, decidedThrough: Int64) {
        self.user = user
        self.decidedThrough = decidedThrough
        self.decidedBefore = decidedThrough
    }

    /// The signals to decide now, in order: `incoming` with the earlier signals of the user they need, read
    /// from the database. Signals without a sequence (published before migration 17) go first, in their order.
    mutating func admit(
        _ incoming: [SignalDocument], on connection: PostgresConnection, logger: Logger
    ) async throws -> [(signal: SignalDocument, admission: Admission)] {
        var admitted: [(SignalDocument, Admission)] = []
        var bySequence: [Int64: SignalDocument] = [:]
        for signal in incoming {
            guard let sequence = signal.sequence else {
                admitted.append((signal, .decide))
                continue
            }
            if sequence <= decidedThrough {
                admitted.append((signal, .late))
            } else {
                bySequence[sequence] = bySequence[sequence] ?? signal
            }
        }
        guard let highest = bySequence.keys.max() else { return admitted }
        let missing = ((decidedThrough + 1)...highest).filter { bySequence[$0] == nil }
        for (sequence, signal) in try await Self.stored(user: user, sequences: missing, on: connection, logger: logger) {
            bySequence[sequence] = signal
        }
        var gapStart: Int64?
        for sequence in (decidedThrough + 1)...highest {
            if let signal = bySequence[sequence] {
                if let start = gapStart { passed.append(start...(sequence - 1)) }
                gapStart = nil
                admitted.append((signal, .decide))
            } else if gapStart == nil {
                gapStart = sequence
            }
        }
        decidedThrough = highest
        return admitted
    }

    /// The user's signals with these numbers, as ingest published them, from `signals`.
    private static func stored(
        user: UUID, sequences: [Int64], on connection: PostgresConnection, logger: Logger
    ) async throws -> [(Int64, SignalDocument)] {
        guard !sequences.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT n.sequence, json_build_object(
                'id', s.id, 'sourceId', s.source_id, 'userId', s.user_id, 'clientId', s.client_id,
                'exchange', s.exchange, 'symbol', s.symbol, 'action', s.action, 'direction', s.direction,
                'quantity', s.quantity::text, 'price', s.price::text, 'orderType', s.order_type,
                'stopLoss', s.stop_loss::text, 'takeProfit', s.take_profit::text, 'timeframe', s.timeframe,
                'strike', s.strike::text, 'expiration', s.expiration, 'strategy', s.strategy, 'comment', s.comment,
                'timestamp', to_char(s.signal_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'receivedAt', to_char(s.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'timeInForce', s.time_in_force,
                'expiresAt', to_char(s.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'trailingStopPercent', s.trailing_stop_percent::text, 'sequence', n.sequence,
                'sentiment', s.sentiment, 'stopLossPercent', s.stop_loss_percent::text,
                'stopLossAmount', s.stop_loss_amount::text, 'takeProfitPercent', s.take_profit_percent::text,
                'takeProfitAmount', s.take_profit_amount::text, 'notional', s.notional::text, 'routing', s.routing,
                'strikesAway', s.strikes_away::text, 'intrinsicValue', s.intrinsic_value,
                'volatility', s.volatility::text)::text
            FROM signal_numbers n JOIN signals s ON s.id = n.signal_id
            WHERE n.user_id = \(user) AND n.sequence = ANY(\(sequences))
            """,
            logger: logger
        )
        var signals: [(Int64, SignalDocument)] = []
        for try await (sequence, document) in rows.decode((Int64, String).self) {
            signals.append((sequence, try JSONCoding.decoder.decode(SignalDocument.self, from: Data(document.utf8))))
        }
        return signals
    }

    /// Writes the progress and any passed numbers, in the caller's transaction; nothing when nothing changed.
    func save(on connection: PostgresConnection, logger: Logger) async throws {
        guard decidedThrough != decidedBefore else { return }
        try await connection.query(
            """
            WITH progress AS (
                UPDATE signal_progress SET decided_through = \(decidedThrough), updated_at = now() WHERE user_id = \(user)
            )
            INSERT INTO signal_sequence_gaps (user_id, first_sequence, last_sequence)
            SELECT \(user), g.first, g.last FROM unnest(\(passed.map(\.lowerBound))::int8[], \(passed.map(\.upperBound))::int8[]) AS g(first, last)
            ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
        for range in passed {
            logger.warning(
                "signal numbers passed over: their signals no longer exist",
                metadata: ["user_id": "\(user)", "first_sequence": "\(range.lowerBound)", "last_sequence": "\(range.upperBound)"])
        }
    }
}
