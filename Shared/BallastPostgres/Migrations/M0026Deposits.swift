extension Migration {
    /// Deposits: a pool of addresses per chain handed to users, the payments found to them on chain, and where each
    /// chain's scanner stands.
    ///
    /// A deposit is unique by `(chain, txid, contract, output_index)`: the Bitcoin output (`vout`, contract ''), an
    /// Ethereum-style transaction's own value (contract '', -1), or a token transfer: its contract and its position
    /// among that contract's `Transfer` logs in the transaction (not the block's log index, which changes when a
    /// reorganisation puts the transaction in another block, nor a position among the configured tokens' logs, which a
    /// change of configuration would shift). A payment seen again after a reorganisation is therefore the same row.
    ///
    /// `chain_blocks` keeps the hashes of the last blocks scanned, so a scanner that meets a block whose parent is not
    /// the hash it stored walks back to the fork. Ledger entries name the deposit they credit or reverse
    /// (`ledger_entries.deposit_id`, kinds `deposit` and `reversal`).
    static let m0026Deposits = Migration(
        version: 26,
        name: "deposit addresses, deposits, chain cursors",
        statements: [
            """
            CREATE TABLE deposit_addresses (
                chain       text        NOT NULL,
                -- As the chain writes it (Ethereum-style addresses in lower case).
                address     text        NOT NULL,
                label       text,
                user_id     uuid        REFERENCES users (id) ON DELETE CASCADE,
                imported_at timestamptz NOT NULL DEFAULT now(),
                assigned_at timestamptz,
                PRIMARY KEY (chain, address),
                CHECK ((user_id IS NULL) = (assigned_at IS NULL))
            )
            """,
            "CREATE INDEX deposit_addresses_free ON deposit_addresses (chain, imported_at, address) WHERE user_id IS NULL",
            "CREATE UNIQUE INDEX deposit_addresses_one_per_chain ON deposit_addresses (user_id, chain) WHERE user_id IS NOT NULL",
            """
            CREATE TABLE deposits (
                id                     uuid        PRIMARY KEY,
                chain                  text        NOT NULL,
                txid                   text        NOT NULL,
                -- The ERC-20 contract of a token transfer (lower case); '' for the chain's own asset.
                contract               text        NOT NULL DEFAULT '',
                output_index           int4        NOT NULL,
                user_id                uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                address                text        NOT NULL,
                asset                  text        NOT NULL,
                amount                 numeric     NOT NULL CHECK (amount > 0),
                -- The block it is in; both null while a reorganisation has taken it out of the chain.
                block_height           int8,
                block_hash             text,
                confirmations          int4        NOT NULL DEFAULT 0,
                required_confirmations int4        NOT NULL CHECK (required_confirmations > 0),
                status                 text        NOT NULL
                    CHECK (status IN ('pending', 'confirming', 'confirmed', 'credited', 'failed', 'reversed')),
                reason                 text,
                -- The trading account it was credited to.
                account_id             uuid,
                -- Height of the fork that orphaned it, while it waits to be mined again.
                orphaned_at_height     int8,
                detected_at            timestamptz NOT NULL DEFAULT now(),
                confirmed_at           timestamptz,
                credited_at            timestamptz,
                stuck_reported_at      timestamptz,
                updated_at             timestamptz NOT NULL DEFAULT now(),
                UNIQUE (chain, txid, contract, output_index),
                CHECK ((block_height IS NULL) = (block_hash IS NULL))
            )
            """,
            "CREATE INDEX deposits_open ON deposits (chain, block_height) WHERE status IN ('pending', 'confirming')",
            "CREATE INDEX deposits_to_credit ON deposits (confirmed_at, id) WHERE status = 'confirmed'",
            "CREATE INDEX deposits_by_block ON deposits (chain, block_height)",
            "CREATE INDEX deposits_by_user ON deposits (user_id, detected_at DESC, id DESC)",
            """
            CREATE TABLE chain_cursors (
                chain            text        PRIMARY KEY,
                -- The last block scanned; -1 and '' before the first.
                height           int8        NOT NULL,
                hash             text        NOT NULL,
                -- The node's tip and finalized block when last asked.
                tip_height       int8,
                finalized_height int8,
                updated_at       timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE chain_blocks (
                chain       text NOT NULL,
                height      int8 NOT NULL,
                hash        text NOT NULL,
                parent_hash text NOT NULL,
                PRIMARY KEY (chain, height)
            )
            """,
            "ALTER TABLE ledger_entries ADD COLUMN deposit_id uuid",
            "CREATE INDEX ledger_entries_deposit ON ledger_entries (deposit_id) WHERE deposit_id IS NOT NULL",
            "ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check",
            """
            ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_kind_check
            CHECK (kind IN ('deposit', 'trade', 'fee', 'lock', 'unlock', 'reversal'))
            """,
            // The body of a `deposit.*` event, built where the change is made so a pass over many deposits writes its
            // events in the same statement. `DepositView` is the same object in Swift.
            """
            CREATE FUNCTION deposit_json(d deposits) RETURNS json LANGUAGE sql STABLE AS $$
                SELECT json_build_object(
                    'id', d.id, 'chain', d.chain, 'txid', d.txid, 'contract', nullif(d.contract, ''),
                    'outputIndex', d.output_index, 'address', d.address,
                    'asset', d.asset, 'amount', trim_scale(d.amount)::text, 'blockHeight', d.block_height,
                    'blockHash', d.block_hash, 'confirmations', d.confirmations,
                    'requiredConfirmations', d.required_confirmations, 'status', d.status, 'reason', d.reason,
                    'accountId', d.account_id,
                    'detectedAt', to_char(d.detected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    'confirmedAt', to_char(d.confirmed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    'creditedAt', to_char(d.credited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                    'updatedAt', to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
            $$
            """,
            // Queues `deposit.<kind>` for each deposit, as `{"event", "timestamp", "userId", "data"}` on ballast:events;
            // returns how many.
            """
            CREATE FUNCTION enqueue_deposit_events(p_type text, p_deposits deposits[]) RETURNS int8 LANGUAGE sql AS $$
                WITH queued AS (
                    INSERT INTO outbox (message_id, stream, type, version, occurred_at, data)
                    SELECT gen_random_uuid()::text, 'ballast:events', p_type, 1, now(),
                           json_build_object(
                               'event', p_type,
                               'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                               'userId', d.user_id,
                               'data', deposit_json(d))::text
                    FROM unnest(p_deposits) AS d
                    ORDER BY d.detected_at, d.id
                    RETURNING 1
                )
                SELECT count(*) FROM queued
            $$
            """,
        ]
    )
}
