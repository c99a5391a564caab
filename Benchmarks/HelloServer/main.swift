import Foundation
import Hummingbird

// The baseline for scripts/bench/ingest: bare Hummingbird answering 200 to any POST, on the same machine
// and with the same HTTP stack as ingest, so the ratio shows what ingest's own work costs.
let port = Int(ProcessInfo.processInfo.environment["BENCH_HELLO_PORT"] ?? "") ?? 18_090
let router = Router()
router.post("webhook") { _, _ in #"{"status":"accepted"}"# }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
