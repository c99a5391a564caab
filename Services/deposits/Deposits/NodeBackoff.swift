import Foundation

/// Per chain, how long this instance waits before asking a failing node again: 5 s after the first failure, doubling
/// to 5 minutes, reset by a success. Scan ticks that fall inside the wait do nothing, so a node that is down is not
/// hammered and its log lines stay few.
actor NodeBackoff {
    private var failures: [String: Int] = [:]
    private var resumeAt: [String: Date] = [:]
    private let base: Duration
    private let ceiling: Duration

    init(base: Duration = .seconds(5), ceiling: Duration = .seconds(300)) {
        self.base = base
        self.ceiling = ceiling
    }

    func mayAsk(_ chain: String, now: Date) -> Bool {
        guard let resume = resumeAt[chain] else { return true }
        return now >= resume
    }

    /// Records a failure and returns how long the chain now waits.
    func failed(_ chain: String, now: Date) -> Duration {
        let count = (failures[chain] ?? 0) + 1
        failures[chain] = count
        var wait = base
        for _ in 1..<min(count, 16) where wait < ceiling { wait = wait * 2 }
        wait = min(wait, ceiling)
        resumeAt[chain] = now.addingTimeInterval(wait.inSeconds)
        return wait
    }

    func succeeded(_ chain: String) {
        failures[chain] = nil
        resumeAt[chain] = nil
    }
}
