import Foundation

extension Migration {
    /// `BALLAST_DEDUP_WINDOW_SECONDS=0` turns the fingerprint check off, also across batches: with a zero
    /// window, `accept_signals` still took an earlier-committed signal of the same content whose
    /// `received_at` was later (concurrent batches commit out of clock order) for a duplicate; the pipeline
    /// benchmark saw 2 % of distinct signals answered 200. The function is migration 4's with that one
    /// condition added.
    static let m0009DuplicateWindowOff = Migration(
        version: 9,
        name: "a zero duplicate window turns the fingerprint check off",
        statements: [
            m0004AcceptSignals.statements[1]
                .replacingOccurrences(of: "CREATE FUNCTION accept_signals", with: "CREATE OR REPLACE FUNCTION accept_signals")
                .replacingOccurrences(
                    of: "AND s.received_at > r.received_at", with: "AND r.window_seconds > 0 AND s.received_at > r.received_at")
        ]
    )
}
