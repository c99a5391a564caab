import Foundation

extension Migration {
    /// A signal can ask for a trailing stop; its order carries it to the position it opens or grows.
    static let m0010OrderTrailingStop = Migration(
        version: 10,
        name: "orders carry a trailing stop",
        statements: [
            """
            ALTER TABLE orders ADD COLUMN trailing_stop_percent numeric
                CHECK (trailing_stop_percent > 0 AND trailing_stop_percent < 100)
            """
        ]
    )
}
