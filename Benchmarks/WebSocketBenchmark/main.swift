import Foundation
import Logging

// ballast-bench-websocket run [--url ws://HOST:PORT] [--redis URL] [--rate N] [--seconds N] [--per-symbol N]
//                             [--symbols A,B] [--market-streams] [--cpu name=pid ...]
// ballast-bench-websocket baseline-server [--host H] [--port P] [--redis URL]
// `run` prints one `name value` line per figure; scripts/bench/websocket runs it against ingest and the baseline.

var logger = Logger(label: "bench-websocket")
logger.logLevel = .error
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "run":
        for line in try await Scenario(options: ScenarioOptions(arguments.dropFirst()), logger: logger).run() { print(line) }
    case "baseline-server":
        try await BaselineServer(arguments.dropFirst()).run(logger: logger)
    default:
        throw ScenarioError("usage: ballast-bench-websocket run|baseline-server [options] (see main.swift)")
    }
} catch {
    FileHandle.standardError.write(Data("ballast-bench-websocket: \(error)\n".utf8))
    exit(2)
}
