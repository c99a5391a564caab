/// The operation took longer than allowed.
public struct TimeoutError: Error, CustomStringConvertible {
    public var limit: Duration
    public var description: String { "timed out after \(limit)" }
}

/// Runs `operation`, cancelling it and throwing `TimeoutError` if it outlasts `limit`.
public func withTimeout<Value: Sendable>(
    _ limit: Duration,
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimeoutError(limit: limit)
        }
        defer { group.cancelAll() }
        guard let value = try await group.next() else { throw TimeoutError(limit: limit) }
        return value
    }
}
