extension Migration {
    /// An account can size the orders of signals that give no quantity (the seed's `direction`-only signals,
    /// bridge alerts without one): `risk_limits.default_order_notional`, in the account's currency, read with the
    /// other limits. `lock_account_snapshot` is written out in full: migration 14's with the column added at the
    /// end of the limits' array.
    static let m0021DefaultOrderNotional = Migration(
        version: 21,
        name: "risk limits carry a default order notional",
        statements: [
            "ALTER TABLE risk_limits ADD COLUMN default_order_notional numeric CHECK (default_order_notional > 0)",
            """
            CREATE OR REPLACE FUNCTION lock_account_snapshot(p_user uuid, p_account uuid, p_signals uuid[], p_symbols text[])
            RETURNS TABLE (
                id uuid, user_id uuid, quote_currency text, allow_short boolean, taker_fee_bps numeric, maker_fee_bps numeric,
                slippage_bps numeric, trust_signal_price boolean, decided uuid[], known_symbols text[], balances text,
                positions text, limits text
            )
            LANGUAGE plpgsql AS $$
            DECLARE
                account paper_accounts;
            BEGIN
                IF p_user IS NOT NULL THEN
                    SELECT * INTO account FROM paper_accounts a WHERE a.user_id = p_user FOR UPDATE;
                ELSE
                    SELECT * INTO account FROM paper_accounts a WHERE a.id = p_account FOR UPDATE;
                END IF;
                IF NOT FOUND THEN
                    RETURN;
                END IF;
                RETURN QUERY SELECT
                    account.id, account.user_id, account.quote_currency, account.allow_short, account.taker_fee_bps,
                    account.maker_fee_bps, account.slippage_bps, account.trust_signal_price,
                    ARRAY(SELECT d.signal_id FROM signal_decisions d WHERE d.signal_id = ANY(p_signals)),
                    ARRAY(SELECT m.symbol FROM market_symbols m WHERE m.symbol = ANY(p_symbols)),
                    (SELECT json_agg(json_build_array(b.asset, b.available::text, b.locked::text))
                     FROM balances b WHERE b.account_id = account.id)::text,
                    (SELECT json_agg(json_build_array(
                        p.id, p.symbol, p.strategy, p.side, p.quantity::text, p.average_entry_price::text, p.realized_pnl::text,
                        p.mark_price::text, p.stop_loss::text, p.take_profit::text, p.trailing_stop_percent::text,
                        p.best_price::text))
                     FROM positions p WHERE p.account_id = account.id AND p.status = 'open')::text,
                    (SELECT json_build_array(
                        r.max_open_positions, r.max_open_positions_per_symbol, r.max_order_notional::text,
                        r.max_position_percent_of_equity::text, r.max_total_exposure::text, r.min_order_notional::text,
                        r.trading_sessions, r.default_order_notional::text)
                     FROM risk_limits r WHERE r.account_id = account.id)::text;
            END
            $$
            """,
        ]
    )
}
