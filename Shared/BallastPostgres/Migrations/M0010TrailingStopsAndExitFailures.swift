import Foundation

extension Migration {
    /// A signal can ask for a trailing stop; its order carries it to the position it opens or grows. A
    /// position remembers when its exit rule last fired and could not be paid for, so that the trade
    /// watcher waits before trying (and reporting `trade.failed`) again instead of on every trade.
    static let m0010TrailingStopsAndExitFailures = Migration(
        version: 10,
        name: "trailing stops on orders, failed exits on positions",
        statements: [
            """
            ALTER TABLE orders ADD COLUMN trailing_stop_percent numeric
                CHECK (trailing_stop_percent > 0 AND trailing_stop_percent < 100)
            """,
            "ALTER TABLE positions ADD COLUMN exit_failed_at timestamptz",
        ]
    )
}
