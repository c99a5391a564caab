import Foundation

/// User + system CPU time of a server process and its children (PostgreSQL's backends and writers, say), from
/// /proc/<pid>/stat: this benchmark shares its two cores with the servers, so each is measured by its own ids and
/// not by name (the test Redis and PostgreSQL of other work on the machine have the same names).
struct ProcessCPU: Sendable {
    var name: String
    var pid: Int32

    /// `name=pid`, as the script passes them.
    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, let pid = Int32(parts[1]), pid > 0 else { return nil }
        name = String(parts[0])
        self.pid = pid
    }

    /// Microseconds of CPU used so far by the process and its direct children that are still alive.
    func microseconds() -> Int {
        var ticks = 0
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where entry.allSatisfy(\.isNumber) {
            guard let fields = Self.statFields(of: entry), let parent = Int32(fields[1]) else { continue }
            guard Int32(entry) == pid || parent == pid else { continue }
            ticks += (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
        }
        return ticks * 1_000_000 / sysconf(Int32(_SC_CLK_TCK))
    }

    /// The fields after the command name (state, ppid, ...); utime and stime are the 12th and 13th of them.
    private static func statFields(of pid: String) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 12 ? fields : nil
    }

    /// This process's own CPU time (the load client), in microseconds.
    static func ownMicroseconds() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Int(time.tv_sec) * 1_000_000 + Int(time.tv_nsec) / 1_000
    }
}
