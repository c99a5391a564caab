import Foundation

extension Migration {
    /// A signal can carry the TradersPost bridge format's `sentiment` (the position the sender expects after it)
    /// and exits relative to the entry price (`stopLoss`/`takeProfit` as `{"percent": …}` or `{"amount": …}`);
    /// ingest validates them, as migration 12's fields. `accept_signals` is migration 19's with the five columns
    /// added to the batch's record and to the insert, so the patches stack.
    static let m0020SignalBridgeFields = Migration(
        version: 20,
        name: "signals carry sentiment and exits relative to the entry",
        statements: [
            """
            ALTER TABLE signals ADD COLUMN sentiment text, ADD COLUMN stop_loss_percent numeric,
                ADD COLUMN stop_loss_amount numeric, ADD COLUMN take_profit_percent numeric, ADD COLUMN take_profit_amount numeric
            """,
            m0019ClientIDDecides.statements[0]
                .replacingOccurrences(
                    of: "time_in_force text, expires_at timestamptz, trailing_stop_percent numeric,",
                    with: """
                        time_in_force text, expires_at timestamptz, trailing_stop_percent numeric, sentiment text,
                                                stop_loss_percent numeric, stop_loss_amount numeric, take_profit_percent numeric,
                                                take_profit_amount numeric,
                        """
                )
                .replacingOccurrences(
                    of: "received_at, time_in_force, expires_at, trailing_stop_percent)",
                    with: """
                        received_at, time_in_force, expires_at, trailing_stop_percent,
                                                sentiment, stop_loss_percent, stop_loss_amount, take_profit_percent, take_profit_amount)
                        """
                )
                .replacingOccurrences(
                    of: "i.time_in_force, i.expires_at, i.trailing_stop_percent",
                    with: """
                        i.time_in_force, i.expires_at, i.trailing_stop_percent, i.sentiment,
                                                i.stop_loss_percent, i.stop_loss_amount, i.take_profit_percent, i.take_profit_amount
                        """
                ),
        ]
    )
}
