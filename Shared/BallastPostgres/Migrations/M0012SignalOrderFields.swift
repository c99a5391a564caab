import Foundation

extension Migration {
    /// A signal can carry its order's `timeInForce`, `expiresAt` (with `gtd`) and `trailingStopPercent`; ingest
    /// validates them (no constraints here: a CHECK on a new column would scan every stored signal under
    /// an exclusive lock). `accept_signals` is migration 9's with the three columns added to the batch's
    /// record and to the insert, so the two patches stack.
    static let m0012SignalOrderFields = Migration(
        version: 12,
        name: "signals carry time in force, expiry and trailing stop",
        statements: [
            """
            ALTER TABLE signals ADD COLUMN time_in_force text, ADD COLUMN expires_at timestamptz,
                ADD COLUMN trailing_stop_percent numeric
            """,
            m0009DuplicateWindowOff.statements[0]
                .replacingOccurrences(
                    of: "signal_time timestamptz, raw json,",
                    with: "signal_time timestamptz, raw json, time_in_force text, expires_at timestamptz, trailing_stop_percent numeric,"
                )
                .replacingOccurrences(
                    of: "comment, signal_time, raw, received_at)",
                    with: "comment, signal_time, raw, received_at, time_in_force, expires_at, trailing_stop_percent)"
                )
                .replacingOccurrences(
                    of: "i.signal_time, i.raw::text, i.received_at",
                    with: "i.signal_time, i.raw::text, i.received_at, i.time_in_force, i.expires_at, i.trailing_stop_percent"
                ),
        ]
    )
}
