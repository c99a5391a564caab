import BallastCore
import Logging
import PostgresNIO
import Synchronization

/// Commits concurrent webhook accepts together: requests that arrive while a batch is in the database
/// wait for the next one, which carries all of them (up to `maximumBatch`) in one transaction. Under load
/// a commit serves dozens of signals; a lone request still goes out at once.
///
/// No background task: the request that finds fewer than `maximumInFlight` batches running becomes a
/// flusher and drains the queue until it is empty.
final class AcceptBatcher: Sendable {
    typealias Completion = CheckedContinuation<AcceptOutcome, any Error>

    private struct State {
        var pending: [(row: AcceptRow, completion: Completion)] = []
        var flushers = 0
    }

    let database: PostgresClient
    let logger: Logger
    let maximumBatch: Int
    let maximumInFlight: Int
    private let state = Mutex(State())

    init(database: PostgresClient, logger: Logger, maximumBatch: Int = 128, maximumInFlight: Int = 4) {
        self.database = database
        self.logger = logger
        self.maximumBatch = maximumBatch
        self.maximumInFlight = maximumInFlight
    }

    func accept(_ row: AcceptRow) async throws -> AcceptOutcome {
        try await withCheckedThrowingContinuation { completion in
            let startFlusher = state.withLock { state in
                state.pending.append((row, completion))
                guard state.flushers < maximumInFlight else { return false }
                state.flushers += 1
                return true
            }
            if startFlusher {
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while let batch = nextBatch() {
            do {
                let outcomes = try await AcceptStatement.run(batch.map(\.row), on: database, logger: logger)
                for (index, item) in batch.enumerated() { item.completion.resume(returning: outcomes[index]) }
            } catch {
                await retryOneByOne(batch, after: error)
            }
        }
    }

    private func nextBatch() -> [(row: AcceptRow, completion: Completion)]? {
        state.withLock { state in
            guard !state.pending.isEmpty else {
                state.flushers -= 1
                return nil
            }
            let count = min(state.pending.count, maximumBatch)
            let batch = Array(state.pending.prefix(count))
            state.pending.removeFirst(count)
            return batch
        }
    }

    /// A batch the database refused (a row it cannot store, a deadlock) is retried one signal per
    /// statement, so one bad signal fails alone and the others are still accepted. Without an answer
    /// from the server (connection lost, database down) every request of the batch gets the error.
    private func retryOneByOne(_ batch: [(row: AcceptRow, completion: Completion)], after error: any Error) async {
        guard batch.count > 1, (error as? PSQLError)?.serverInfo != nil else {
            for item in batch { item.completion.resume(throwing: error) }
            return
        }
        logger.debug("accept batch failed, retrying one by one", metadata: ["count": "\(batch.count)", "error": .error(error)])
        for item in batch {
            do {
                item.completion.resume(returning: try await AcceptStatement.run([item.row], on: database, logger: logger)[0])
            } catch {
                item.completion.resume(throwing: error)
            }
        }
    }
}
