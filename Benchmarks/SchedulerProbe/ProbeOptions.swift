import BallastScheduler
import Foundation

/// Command line of the probe:
/// `--instance NAME [--duration SECONDS] [--baseline] --job NAME|SCHEDULE[|work=MS][|lock-ttl=MS][|timeout=MS][|catch-up=skip|run-once=MS] ...`
struct ProbeOptions {
    struct JobSpec {
        var name: String
        var schedule: String
        var work: Duration = .zero
        var lockTTL: Duration = .seconds(30)
        var timeout: Duration = .seconds(60)
        var catchUp: CatchUpPolicy = .runOnce(startingDeadline: .seconds(300))
    }

    var instance = "probe-\(ProcessInfo.processInfo.processIdentifier)"
    var duration: Duration?
    /// Also measure `RoundTripBaseline`.
    var measuresBaseline = false
    var jobs: [JobSpec] = []

    init(_ arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            if argument == "--baseline" {
                measuresBaseline = true
                continue
            }
            guard let value = iterator.next() else { throw ProbeError("\(argument) needs a value") }
            switch argument {
            case "--instance": instance = value
            case "--duration":
                guard let seconds = Double(value), seconds > 0 else { throw ProbeError("--duration takes seconds") }
                duration = .seconds(seconds)
            case "--job": jobs.append(try Self.job(value))
            default: throw ProbeError("unknown option \(argument)")
            }
        }
        if jobs.isEmpty { throw ProbeError("give at least one --job NAME|SCHEDULE") }
    }

    private static func job(_ text: String) throws -> JobSpec {
        let parts = text.split(separator: "|").map(String.init)
        guard parts.count >= 2 else { throw ProbeError("--job wants NAME|SCHEDULE[|key=value...], got '\(text)'") }
        var spec = JobSpec(name: parts[0], schedule: parts[1])
        for option in parts.dropFirst(2) {
            let pair = option.split(separator: "=", maxSplits: 1).map(String.init)
            let milliseconds = pair.count == 2 ? Int(pair[1]).map { Duration.milliseconds($0) } : nil
            switch (pair[0], milliseconds) {
            case ("work", let value?): spec.work = value
            case ("lock-ttl", let value?): spec.lockTTL = value
            case ("timeout", let value?): spec.timeout = value
            case ("run-once", let value?): spec.catchUp = .runOnce(startingDeadline: value)
            case ("catch-up", _) where pair.count == 2 && pair[1] == "skip": spec.catchUp = .skip
            default: throw ProbeError("cannot read job option '\(option)'")
            }
        }
        return spec
    }
}

struct ProbeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
