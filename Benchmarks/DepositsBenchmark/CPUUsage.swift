import Foundation

/// CPU time used so far by this process and by the benchmark's PostgreSQL, in microseconds.
struct CPUSample {
    var benchmark: Int
    var postgres: Int

    /// `postmaster`: the PostgreSQL server's process id; its children (backends, writers, autovacuum) are counted
    /// with it. Nil: every process named `postgres` on the machine.
    static func now(postmaster: Int?) -> CPUSample {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        let own = Int(time.tv_sec) * 1_000_000 + Int(time.tv_nsec) / 1_000
        return CPUSample(benchmark: own, postgres: postgresTicks(postmaster: postmaster) * 1_000_000 / sysconf(Int32(_SC_CLK_TCK)))
    }

    static func - (after: CPUSample, before: CPUSample) -> CPUSample {
        CPUSample(benchmark: after.benchmark - before.benchmark, postgres: after.postgres - before.postgres)
    }
}

/// User and system CPU ticks of the PostgreSQL server `postmaster` and its children, from /proc/<pid>/stat.
private func postgresTicks(postmaster: Int?) -> Int {
    var total = 0
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where entry.allSatisfy(\.isNumber) {
        guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
            let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"),
            stat[stat.index(after: open)..<close].hasPrefix("postgres")
        else { continue }
        // After the command: state, ppid, ...; utime and stime are the 14th and 15th fields of the line.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let parent = Int(fields[1]), let user = Int(fields[11]), let system = Int(fields[12]) else { continue }
        if let postmaster, Int(entry) != postmaster, parent != postmaster { continue }
        total += user + system
    }
    return total
}

/// `body`'s result, its wall-clock time and the CPU it took here and in PostgreSQL.
func measured<Value>(
    postmaster: Int?, _ body: () async throws -> Value
) async throws -> (value: Value, elapsed: Duration, cpu: CPUSample) {
    let before = CPUSample.now(postmaster: postmaster)
    let start = ContinuousClock.now
    let value = try await body()
    let elapsed = ContinuousClock.now - start
    return (value, elapsed, CPUSample.now(postmaster: postmaster) - before)
}
