import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// The pool of deposit addresses: loaded by an operator (`ballast deposits import-addresses`), handed out one per user
/// and chain, looked up by the scanners. Ballast never holds the keys.
public struct DepositAddressStore: Sendable {
    public struct ImportOutcome: Sendable, Equatable {
        public var imported = 0
        /// Already in the pool (free or assigned): left as they are, so an import can be run again.
        public var alreadyKnown = 0
    }

    public enum AssignError: Error, Equatable, Sendable {
        /// The chain has no free address left (or never had any).
        case poolEmpty(chain: String)
    }

    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Adds `addresses` (normalized: `DepositAddressFormat`) to the pool in one statement.
    public func importAddresses(_ addresses: [DepositAddress]) async throws -> ImportOutcome {
        guard !addresses.isEmpty else { return ImportOutcome() }
        let rows = try await database.query(
            """
            WITH added AS (
                INSERT INTO deposit_addresses (chain, address, label)
                SELECT * FROM unnest(\(addresses.map(\.chain))::text[], \(addresses.map(\.address))::text[],
                                     \(addresses.map { $0.label ?? "" })::text[]) AS a(chain, address, label)
                ON CONFLICT (chain, address) DO NOTHING
                RETURNING 1
            )
            SELECT count(*) FROM added
            """,
            logger: logger)
        var imported = 0
        for try await count in rows.decode(Int.self) { imported = count }
        return ImportOutcome(imported: imported, alreadyKnown: addresses.count - imported)
    }

    /// The user's address on `chain`, handing them the oldest free one if they have none yet (`created` true then).
    /// Two requests at once for the same user end with one address: the unique index on `(user_id, chain)` refuses the
    /// second, which then reads the first's.
    public func assign(user: UUID, chain: String) async throws -> (address: DepositAddress, created: Bool) {
        for _ in 0..<3 {
            if let existing = try await address(of: user, chain: chain) { return (existing, false) }
            do {
                let rows = try await database.query(
                    """
                    UPDATE deposit_addresses SET user_id = \(user), assigned_at = now()
                    WHERE (chain, address) = (
                        SELECT chain, address FROM deposit_addresses
                        WHERE chain = \(chain) AND user_id IS NULL
                        ORDER BY imported_at, address
                        LIMIT 1
                        FOR UPDATE SKIP LOCKED
                    )
                    RETURNING chain, address, nullif(label, ''), user_id, assigned_at
                    """,
                    logger: logger)
                for try await row in rows.decode((String, String, String?, UUID, Date).self) {
                    return (DepositAddress(chain: row.0, address: row.1, label: row.2, userID: row.3, assignedAt: row.4), true)
                }
                throw AssignError.poolEmpty(chain: chain)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                continue
            }
        }
        throw AssignError.poolEmpty(chain: chain)
    }

    public func address(of user: UUID, chain: String) async throws -> DepositAddress? {
        try await addresses(of: user).first { $0.chain == chain }
    }

    /// The user's addresses, one per chain at most.
    public func addresses(of user: UUID) async throws -> [DepositAddress] {
        let rows = try await database.query(
            """
            SELECT chain, address, nullif(label, ''), user_id, assigned_at FROM deposit_addresses
            WHERE user_id = \(user) ORDER BY chain
            """,
            logger: logger)
        var addresses: [DepositAddress] = []
        for try await row in rows.decode((String, String, String?, UUID, Date).self) {
            addresses.append(DepositAddress(chain: row.0, address: row.1, label: row.2, userID: row.3, assignedAt: row.4))
        }
        return addresses
    }

    /// Free and assigned addresses per chain.
    public func poolSizes() async throws -> [String: (free: Int, assigned: Int)] {
        let rows = try await database.query(
            """
            SELECT chain, count(*) FILTER (WHERE user_id IS NULL), count(*) FILTER (WHERE user_id IS NOT NULL)
            FROM deposit_addresses GROUP BY chain
            """,
            logger: logger)
        var sizes: [String: (free: Int, assigned: Int)] = [:]
        for try await (chain, free, assigned) in rows.decode((String, Int, Int).self) { sizes[chain] = (free, assigned) }
        return sizes
    }
}
