import BallastCore
import BallastWebhooks
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// A real HTTP server on 127.0.0.1 that records every webhook it receives and answers each as told: the endpoint
/// of the notifier's tests and of its benchmark sink.
public final class WebhookReceiver: Sendable {
    public struct Received: Sendable {
        /// Header names in lower case; `host` is the request's authority.
        public var headers: [String: String]
        public var body: String
        public var path: String
        public var receivedAt: Date
    }

    public enum Answer: Sendable {
        case status(Int, headers: [String: String] = [:], body: String = "ok")
        /// Never answers (until the receiver stops or `hangLimit` passes).
        case hang
    }

    public static let hangLimit: Duration = .seconds(60)

    public let port: Int
    private let received = Mutex<[Received]>([])
    private let answer: @Sendable (Int, Received) -> Answer

    private init(port: Int, answer: @escaping @Sendable (Int, Received) -> Answer) {
        self.port = port
        self.answer = answer
    }

    public func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Everything received so far, in arrival order.
    public var requests: [Received] { received.withLock { $0 } }

    /// Runs a receiver for the length of `body`. `answer` gets each request's number (0 for the first) and the request.
    /// A port another test took between `freePort()` and the bind is given up for a new one. With `stopsGracefully` the
    /// receiver closes its connections when it stops, for clients that keep connections alive in a shared pool (Kraken's
    /// client on `HTTPClient.shared`): cancelled under such a connection, the server's writer is dropped unfinished and
    /// NIO stops the process.
    public static func with<Value: Sendable>(
        stopsGracefully: Bool = false, answer: @escaping @Sendable (Int, Received) -> Answer = { _, _ in .status(200) },
        _ body: @Sendable (WebhookReceiver) async throws -> Value
    ) async throws -> Value {
        for attempt in 1...5 {
            let receiver = WebhookReceiver(port: try freePort(), answer: answer)
            do {
                return try await receiver.serve(stopsGracefully: stopsGracefully, body)
            } catch is NotListening where attempt < 5 {
                continue
            }
        }
        throw NotListening()
    }

    /// The server did not start listening (its port was taken).
    private struct NotListening: Error {}

    private func serve<Value: Sendable>(
        stopsGracefully: Bool, _ body: @Sendable (WebhookReceiver) async throws -> Value
    ) async throws -> Value {
        let receiver = self
        let router = Router()
        router.post("**") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 16 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            // HTTP/1's Host arrives as the request's authority.
            headers["host"] = request.head.authority
            let received = Received(
                headers: headers, body: String(buffer: bytes), path: request.uri.path, receivedAt: Date())
            let number = receiver.received.withLock { list in
                list.append(received)
                return list.count - 1
            }
            switch receiver.answer(number, received) {
            case .status(let code, let extra, let text):
                var fields = HTTPFields()
                for (name, value) in extra { if let name = HTTPField.Name(name) { fields[name] = value } }
                return Response(status: .init(code: code), headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
            case .hang:
                // Ends early, without throwing, when the receiver stops: the response is then written (or dropped
                // with its closed connection) as any other.
                try? await Task.sleep(for: Self.hangLimit)
                return Response(status: .gatewayTimeout)
            }
        }
        let started = AsyncStream<Void>.makeStream()
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in started.continuation.yield() }, logger: .init(label: "webhook-receiver"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // A server that cannot bind ends here; the stream ending lets the wait below see it, not wait for ever.
                defer { started.continuation.finish() }
                if stopsGracefully {
                    try await runUntilCancelled(application, logger: Logger(label: "webhook-receiver"))
                } else {
                    try await application.run()
                }
            }
            defer { group.cancelAll() }
            var listening = false
            for await _ in started.stream {
                listening = true
                break
            }
            guard listening else { throw NotListening() }
            return try await body(receiver)
        }
    }
}

extension WebhookReceiver.Received {
    /// Whether the Standard Webhooks headers verify with `secret`.
    public func verifies(with secret: WebhookSecret) -> Bool {
        guard let id = headers["webhook-id"], let timestamp = headers["webhook-timestamp"].flatMap({ Int64($0) }),
            let signature = headers["webhook-signature"]
        else { return false }
        return WebhookSignature.verify(
            id: id, timestamp: timestamp, body: body, header: signature, secret: secret, now: Int64(Date().timeIntervalSince1970))
    }
}
