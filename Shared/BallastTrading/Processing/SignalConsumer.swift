import BallastCore
import BallastRedis
import Foundation
import Logging
import Metrics

/// Handles `signal.received` messages from `ballast:signals`, batch by batch: the signals of one user are
/// decided together in one transaction (in stream order), different users in parallel. Each signal becomes
/// exactly one decision. A message that is not a signal is dead-lettered at once; a database or Redis
/// failure leaves the messages pending, to be delivered again (the decision rows make that safe). When a
/// user's batch fails, its signals are tried one by one, so one bad signal cannot hold back the others.
public struct SignalConsumer: StreamMessageHandler {
    public static let signalType = "signal.received"

    let executor: SignalExecutor
    /// Users decided at the same time (each holds a database connection while it runs).
    let maxConcurrentUsers: Int
    let logger: Logger
    private let accepted = Counter(label: "ballast_signals_decided_total", dimensions: [("outcome", "accepted")])
    private let rejected = Counter(label: "ballast_signals_decided_total", dimensions: [("outcome", "rejected")])

    public init(executor: SignalExecutor, maxConcurrentUsers: Int, logger: Logger) {
        self.executor = executor
        self.maxConcurrentUsers = max(1, maxConcurrentUsers)
        self.logger = logger
    }

    public func handle(_ messages: [StreamMessage]) async -> [Result<Void, any Error>] {
        var results = [Result<Void, any Error>](repeating: .success(()), count: messages.count)
        var users: [UUID] = []
        var signalsByUser: [UUID: [(index: Int, signal: SignalDocument)]] = [:]
        for (index, message) in messages.enumerated() {
            do {
                let signal = try Self.signal(in: message.envelope)
                if signalsByUser[signal.userID] == nil { users.append(signal.userID) }
                signalsByUser[signal.userID, default: []].append((index, signal))
            } catch {
                results[index] = .failure(error)
            }
        }
        for wave in stride(from: 0, to: users.count, by: maxConcurrentUsers) {
            let batch = users[wave..<min(wave + maxConcurrentUsers, users.count)]
            await withTaskGroup(of: [(Int, Result<Void, any Error>)].self) { group in
                for user in batch {
                    let items = signalsByUser[user] ?? []
                    group.addTask { await self.decide(user: user, items) }
                }
                for await decided in group {
                    for (index, result) in decided { results[index] = result }
                }
            }
        }
        return results
    }

    private func decide(user: UUID, _ items: [(index: Int, signal: SignalDocument)]) async -> [(Int, Result<Void, any Error>)] {
        do {
            count(try await executor.execute(user: user, items.map(\.signal)))
            return items.map { ($0.index, .success(())) }
        } catch {
            guard items.count > 1 else { return [(items[0].index, .failure(error))] }
            logger.debug("a user's batch failed; deciding its signals one by one", metadata: ["error": .error(error)])
        }
        var results: [(Int, Result<Void, any Error>)] = []
        for item in items {
            do {
                count([try await executor.execute(item.signal)])
                results.append((item.index, .success(())))
            } catch {
                results.append((item.index, .failure(error)))
            }
        }
        return results
    }

    private func count(_ outcomes: [SignalOutcome]) {
        for outcome in outcomes {
            switch outcome {
            case .ordered, .canceled: accepted.increment()
            case .rejected: rejected.increment()
            case .alreadyDecided: break
            }
        }
    }

    /// The signal document in `envelope`, or why there is none.
    static func signal(in envelope: Envelope) throws(UnprocessableMessage) -> SignalDocument {
        guard envelope.type == signalType else { throw UnprocessableMessage("expected type '\(signalType)', got '\(envelope.type)'") }
        do {
            return try envelope.decodePayload(SignalDocument.self)
        } catch {
            throw UnprocessableMessage("data is not a signal document: \(error)")
        }
    }
}
