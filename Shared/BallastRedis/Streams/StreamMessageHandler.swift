/// Processes messages read from a stream.
///
/// Return one result per message, in order. A success is acknowledged; a failure leaves the entry
/// pending, to be claimed again after the processing timeout, or dead-lettered once it has been
/// delivered `maxDeliveries` times.
public protocol StreamMessageHandler: Sendable {
    func handle(_ messages: [StreamMessage]) async -> [Result<Void, any Error>]
}

/// Runs a closure per message, at most `maxConcurrency` at a time.
public struct ConcurrentMessageHandler: StreamMessageHandler {
    public let maxConcurrency: Int
    private let body: @Sendable (StreamMessage) async throws -> Void

    public init(maxConcurrency: Int = 16, _ body: @escaping @Sendable (StreamMessage) async throws -> Void) {
        precondition(maxConcurrency > 0, "maxConcurrency must be positive")
        self.maxConcurrency = maxConcurrency
        self.body = body
    }

    public func handle(_ messages: [StreamMessage]) async -> [Result<Void, any Error>] {
        var results = [Result<Void, any Error>](repeating: .success(()), count: messages.count)
        await withTaskGroup(of: (Int, Result<Void, any Error>).self) { group in
            var next = 0
            func startNext() {
                let index = next
                let message = messages[index]
                group.addTask {
                    do {
                        try await body(message)
                        return (index, .success(()))
                    } catch {
                        return (index, .failure(error))
                    }
                }
                next += 1
            }
            while next < min(maxConcurrency, messages.count) { startNext() }
            for await (index, result) in group {
                results[index] = result
                if next < messages.count { startNext() }
            }
        }
        return results
    }
}
