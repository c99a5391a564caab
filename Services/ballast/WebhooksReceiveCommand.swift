import ArgumentParser
import BallastCore
import BallastWebhooks
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `ballast webhooks receive`: a local endpoint that prints each delivery it gets with whether its Standard Webhooks
/// signature verifies, so that a newcomer (and `scripts/dev up`) sees signed deliveries without writing a receiver.
struct WebhooksReceiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Receive webhook deliveries on a local port and print one line for each, until SIGINT or SIGTERM.",
        discussion: "Each line: the time, webhook-id, X-Webhook-Event, whether the signature verifies (yes/no), and the body."
    )

    @Option(help: "The port to listen on.")
    var port: Int

    @Option(help: "The endpoint's secret (whsec_...), to verify signatures with.")
    var secret: String

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The status to answer every delivery with (e.g. 500 to watch retries).")
    var status = 200

    func run() async throws {
        guard (1...65_535).contains(port) else { throw CommandFailure.exit("--port must be from 1 to 65535, got \(port)", code: 2) }
        guard (200...599).contains(status) else { throw CommandFailure.exit("--status must be from 200 to 599, got \(status)", code: 2) }
        let key: WebhookSecret
        do {
            key = try WebhookSecret(parsing: secret)
        } catch {
            throw CommandFailure.exit("invalid --secret: it \(error.description)", code: 2)
        }
        let answer = HTTPResponse.Status(code: status)
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            var request = request
            let body = String(buffer: try await request.collectBody(upTo: 16 << 20))
            Self.printLine(Self.line(for: request.headers, body: body, secret: key))
            return Response(status: answer)
        }
        router.post("/", use: handler)
        router.post("**", use: handler)
        var logger = Logger(label: "ballast-webhooks-receive")
        logger.logLevel = .warning
        let application = Application(router: router, configuration: .init(address: .hostname(host, port: port)), logger: logger)
        Self.printLine("listening on http://\(host):\(port)/ (answering \(status)); Ctrl-C stops")
        do {
            try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            throw CommandFailure.exit("cannot serve on \(host):\(port): \(error)", code: 1)
        }
    }

    /// One delivery: time, webhook-id, event, whether the signature verifies under `secret` now, body.
    static func line(for headers: HTTPFields, body: String, secret: WebhookSecret) -> String {
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
        let id = header("webhook-id") ?? "-"
        let verified =
            if let timestamp = header("webhook-timestamp").flatMap({ Int64($0) }), let signature = header("webhook-signature") {
                WebhookSignature.verify(
                    id: id, timestamp: timestamp, body: body, header: signature, secret: secret, now: Int64(Date().timeIntervalSince1970))
            } else {
                false
            }
        return [RFC3339.string(from: Date()), id, header("X-Webhook-Event") ?? "-", verified ? "verified=yes" : "verified=no", body]
            .joined(separator: " ")
    }

    /// Written at once, not buffered: the receiver's output is usually piped to a log that someone watches.
    static func printLine(_ line: String) {
        FileHandle.standardOutput.write(Data((line.replacingOccurrences(of: "\n", with: " ") + "\n").utf8))
    }
}
