import Foundation
import Logging
import PostgresNIO

/// The open positions in option contracts (their symbols read as `OptionContract`s), for the marking and settling jobs.
enum OptionPositions {
    struct Open {
        var positionID: UUID
        var accountID: UUID
        var contract: OptionContract
    }

    static func open(database: PostgresClient, logger: Logger) async throws -> [Open] {
        // The symbol's shape narrows the scan to option positions; `OptionContract(symbol:)` decides.
        let rows = try await database.query(
            """
            SELECT id, account_id, symbol FROM positions WHERE status = 'open' AND symbol ~ '-[0-9]{8}-[0-9.]+-[CP]$'
            ORDER BY opened_at, id
            """,
            logger: logger)
        var positions: [Open] = []
        for try await (id, account, symbol) in rows.decode((UUID, UUID, String).self) {
            if let contract = OptionContract(symbol: symbol) {
                positions.append(Open(positionID: id, accountID: account, contract: contract))
            }
        }
        return positions
    }
}
