import Foundation

extension Migration {
    /// `write_account_changes`: everything one paper-account transaction writes, in one round trip.
    /// signal-processor decides a batch in memory, then hands the rows of each table over as a JSON array of
    /// objects, amounts as decimal strings (one parameter per array: `->` on one `json` document would parse
    /// all of it again for every table, which took milliseconds per batch). Nine statements in the client cost
    /// nine round trips, which under load were most of a batch's time. The order here is the one the
    /// constraints need: orders before their fills, a position closed before another opens in its
    /// (symbol, strategy), events last. A changed position keeps the `best_price` the trade watcher marks
    /// outside the account's lock, unless its trailing stop changed (the trail then starts again). Balances
    /// move by the ledger's own sums, in `numeric`. Returns how many decisions were inserted: fewer than
    /// sent means another transaction decided a signal first.
    static let m0011WriteAccountChanges = Migration(
        version: 11,
        name: "write_account_changes",
        statements: [
            """
            CREATE FUNCTION write_account_changes(
                p_account uuid, p_stream text, p_orders_new json, p_orders_changed json, p_fills json, p_ledger json,
                p_positions_changed json, p_positions_new json, p_decisions json, p_events json
            ) RETURNS integer
            LANGUAGE plpgsql AS $$
            DECLARE
                decided integer := 0;
            BEGIN
                INSERT INTO orders (id, account_id, client_order_id, signal_id, symbol, side, type, time_in_force, limit_price,
                    quantity, filled_quantity, average_price, fees, status, reason, strategy, stop_loss, take_profit,
                    trailing_stop_percent, expires_at, locked_asset, locked_amount, received_at)
                SELECT id, account_id, client_order_id, signal_id, symbol, side, type, time_in_force, limit_price,
                    quantity, filled_quantity, average_price, fees, status, reason, strategy, stop_loss, take_profit,
                    trailing_stop_percent, expires_at, locked_asset, locked_amount, received_at
                FROM json_populate_recordset(NULL::orders, p_orders_new);

                UPDATE orders o SET filled_quantity = n.filled_quantity, average_price = n.average_price, fees = n.fees,
                    status = n.status, reason = n.reason, locked_amount = n.locked_amount, updated_at = clock_timestamp()
                FROM json_populate_recordset(NULL::orders, p_orders_changed) n
                WHERE o.id = n.id AND o.account_id = p_account;

                INSERT INTO fills (id, order_id, account_id, symbol, side, price, quantity, fee, fee_asset, liquidity, market_trade_id)
                SELECT id, order_id, account_id, symbol, side, price, quantity, fee, fee_asset, liquidity, market_trade_id
                FROM json_populate_recordset(NULL::fills, p_fills);

                INSERT INTO ledger_entries (account_id, asset, bucket, amount, kind, order_id, fill_id)
                SELECT p_account, asset, bucket, amount, kind, order_id, fill_id
                FROM json_populate_recordset(NULL::ledger_entries, p_ledger) WITH ORDINALITY
                ORDER BY ordinality;

                -- Insert, then add: an upsert would check `locked >= 0` against the delta alone.
                INSERT INTO balances (account_id, asset)
                SELECT DISTINCT p_account, asset FROM json_populate_recordset(NULL::ledger_entries, p_ledger)
                ORDER BY 2
                ON CONFLICT DO NOTHING;
                UPDATE balances b SET available = b.available + d.available, locked = b.locked + d.locked, updated_at = now()
                FROM (
                    SELECT asset, coalesce(sum(amount) FILTER (WHERE bucket = 'available'), 0) AS available,
                        coalesce(sum(amount) FILTER (WHERE bucket = 'locked'), 0) AS locked
                    FROM json_populate_recordset(NULL::ledger_entries, p_ledger)
                    GROUP BY asset
                ) d
                WHERE b.account_id = p_account AND b.asset = d.asset;

                UPDATE positions p SET quantity = n.quantity, average_entry_price = n.average_entry_price,
                    realized_pnl = n.realized_pnl, mark_price = n.mark_price, unrealized_pnl = n.unrealized_pnl,
                    stop_loss = n.stop_loss, take_profit = n.take_profit, trailing_stop_percent = n.trailing_stop_percent,
                    best_price = CASE WHEN p.trailing_stop_percent IS DISTINCT FROM n.trailing_stop_percent THEN n.best_price
                        ELSE p.best_price END,
                    -- New exit levels are tried again at once, even after a failed exit (migration 10).
                    exit_failed_at = CASE
                        WHEN (p.stop_loss, p.take_profit, p.trailing_stop_percent)
                            IS DISTINCT FROM (n.stop_loss, n.take_profit, n.trailing_stop_percent) THEN NULL
                        ELSE p.exit_failed_at END,
                    status = n.status, close_reason = n.close_reason,
                    closed_at = CASE WHEN n.status = 'closed' THEN clock_timestamp() END, updated_at = clock_timestamp()
                FROM json_populate_recordset(NULL::positions, p_positions_changed) n
                -- Only open positions change; the condition lets the small positions_one_open index find them.
                WHERE p.id = n.id AND p.account_id = p_account AND p.status = 'open';

                INSERT INTO positions (id, account_id, symbol, strategy, side, quantity, average_entry_price, realized_pnl,
                    mark_price, unrealized_pnl, stop_loss, take_profit, trailing_stop_percent, best_price, status, close_reason,
                    closed_at)
                SELECT id, account_id, symbol, strategy, side, quantity, average_entry_price, realized_pnl,
                    mark_price, unrealized_pnl, stop_loss, take_profit, trailing_stop_percent, best_price, status, close_reason,
                    CASE WHEN status = 'closed' THEN clock_timestamp() END
                FROM json_populate_recordset(NULL::positions, p_positions_new) WITH ORDINALITY
                ORDER BY ordinality;

                INSERT INTO signal_decisions (signal_id, user_id, account_id, status, reasons, order_id, received_at)
                -- `reasons` comes as JSON text in a string: stored as the array it holds.
                SELECT signal_id, user_id, account_id, status, (reasons #>> '{}')::jsonb, order_id, received_at
                FROM json_populate_recordset(NULL::signal_decisions, p_decisions)
                ON CONFLICT (signal_id) DO NOTHING;
                GET DIAGNOSTICS decided = ROW_COUNT;

                INSERT INTO outbox (message_id, stream, type, version, occurred_at, data, trace)
                SELECT message_id, p_stream, type, version, occurred_at, data, trace
                FROM json_populate_recordset(NULL::outbox, p_events) WITH ORDINALITY
                ORDER BY ordinality;

                RETURN decided;
            END
            $$
            """
        ]
    )
}
