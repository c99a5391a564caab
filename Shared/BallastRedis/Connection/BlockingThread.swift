import Foundation

/// A dedicated OS thread that runs blocking jobs one after another.
///
/// hiredis calls block on sockets; running them here keeps them off Swift's cooperative thread pool,
/// and confines each connection's C context to a single thread.
final class BlockingThread: @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var isStopped = false

    init(name: String) {
        let thread = Thread { [self] in runLoop() }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on the thread and resumes the caller with its result.
    func run<Value: Sendable>(_ body: @escaping @Sendable () throws(RedisError) -> Value) async throws(RedisError) -> Value {
        let result: Result<Value, RedisError> = await withCheckedContinuation { continuation in
            let accepted = submit {
                continuation.resume(returning: Result { () throws(RedisError) in try body() })
            }
            if !accepted { continuation.resume(returning: .failure(.closed)) }
        }
        return try result.get()
    }

    /// Lets queued jobs finish, then ends the thread; later jobs are refused.
    func stop(after lastJob: @escaping () -> Void) {
        condition.lock()
        if !isStopped {
            jobs.append(lastJob)
            isStopped = true
        }
        condition.signal()
        condition.unlock()
    }

    private func submit(_ job: @escaping () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isStopped else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    private func runLoop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !isStopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let pending = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in pending { job() }
        }
    }
}
