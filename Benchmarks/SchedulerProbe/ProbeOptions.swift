import BallastScheduler
import Foundation

/// Command line of the probe:
/// `--instance NAME [--duration SECONDS] [--baseline] --job NAME|SCHEDULE[|work=MS][|steps=N][|lock-ttl=MS][|timeout=MS][|catch-up=skip|run-once=MS] ...`
struct ProbeOptions {
    struct JobSpec {
        var name: String
        var schedule: String
        var work: Duration = .zero
        /// The work is done in this many pieces, each recorded in its own transaction.
        var steps = 1
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
            let number = pair.count == 2 ? Int(pair[1]) : nil
            switch (pair[0], number) {
            case ("work", let value?): spec.work = .milliseconds(value)
            case ("steps", let value?) where value > 0: spec.steps = value
            case ("lock-ttl", let value?): spec.lockTTL = .milliseconds(value)
            case ("timeout", let value?): spec.timeout = .milliseconds(value)
            case ("run-once", let value?): spec.catchUp = .runOnce(startingDeadline: .milliseconds(value))
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
