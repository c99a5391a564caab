import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore

// The receiving side of scripts/bench/notifier, and its baseline.
//
//   ballast-bench-webhook-sink serve PORT          answers 204 to every POST, except that paths starting with
//                                                   /hang never answer (an endpoint hanging until the timeout)
//   ballast-bench-webhook-sink blast URL N C        N POSTs of a 300-byte body with C at once through
//                                                   AsyncHTTPClient, printing posts per second: the HTTP leg alone
let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: ballast-bench-webhook-sink serve PORT | blast URL N CONCURRENCY\n".utf8))
    exit(2)
}
switch arguments[1] {
case "serve":
    guard let port = Int(arguments[2]) else { exit(2) }
    let router = Router()
    router.post("**") { request, _ -> Response in
        if request.uri.path.hasPrefix("/hang") { try await Task.sleep(for: .seconds(3_600)) }
        _ = try await request.body.collect(upTo: 1 << 20)
        return Response(status: .noContent)
    }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
    try await app.runService()
case "blast":
    guard arguments.count == 5, let total = Int(arguments[3]), let concurrency = Int(arguments[4]) else { exit(2) }
    let url = arguments[2]
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    let body = String(repeating: "x", count: 300)
    let started = ContinuousClock.now
    await withTaskGroup(of: Void.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var index = worker
                while index < total {
                    var request = HTTPClientRequest(url: url)
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: body))
                    if let response = try? await client.execute(request, timeout: .seconds(10)) {
                        _ = try? await response.body.collect(upTo: 1 << 20)
                    }
                    index += concurrency
                }
            }
        }
    }
    let elapsed = ContinuousClock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(String(format: "http_posts_per_second %.0f", Double(total) / seconds))
    try await client.shutdown()
default:
    exit(2)
}
