import BallastCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The simulated Kraken's HTTP server: Kraken's REST paths (`/0/public/<method>`, `/0/private/<method>`) and the
/// control routes under `/ballast/`, a path Kraken never uses. Every answer is JSON with status 200, as Kraken
/// answers its API errors; a dropped call gets no answer at all.
struct KrakenSimulatorServer {
    let simulator: KrakenSimulator

    func buildRouter() -> Router<KrakenSimulatorRequestContext> {
        let router = Router(context: KrakenSimulatorRequestContext.self)
        let simulator = self.simulator
        router.get("/0/public/:method") { request, context in
            let form = KrakenSimulatorForm(urlEncoded: request.uri.query ?? "") ?? KrakenSimulatorForm()
            return Self.json(simulator.answerPublic(method: context.parameters.get("method") ?? "", form: form))
        }
        router.post("/0/public/:method") { request, context in
            guard let body = await Self.body(of: request) else { return Self.json(KrakenSimulatorJSON.failure(.invalidArguments())) }
            let form = body.isEmpty ? KrakenSimulatorForm(urlEncoded: request.uri.query ?? "") : KrakenSimulatorForm(body: body)
            return Self.json(simulator.answerPublic(method: context.parameters.get("method") ?? "", form: form ?? KrakenSimulatorForm()))
        }
        router.post("/0/private/:method") { request, context in
            guard let body = await Self.body(of: request) else { return Self.json(KrakenSimulatorJSON.failure(.invalidArguments())) }
            let answer = await simulator.answerPrivate(
                method: context.parameters.get("method") ?? "", path: request.uri.path,
                apiKey: request.headers[HTTPField.Name("API-Key")!], signature: request.headers[HTTPField.Name("API-Sign")!],
                body: body)
            switch answer {
            case .body(let text):
                return Self.json(text)
            case .drop:
                // A body promised and never written: Hummingbird closes the connection when its writer throws, so the
                // client gets no answer it can read. (Closing the channel under the handler instead deinits the
                // response writer unfinished, which NIO turns into a crash.)
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody(contentLength: 64) { _ in throw DroppedAnswer() })
            }
        }
        KrakenSimulatorControlRoutes(simulator: simulator).addRoutes(to: router.group("ballast"))
        return router
    }

    /// The request's body, up to 1 MiB (far above any Kraken call); nil past that or when it cannot be read, which is
    /// answered with Kraken's envelope rather than an HTTP error.
    static func body(of request: Request) async -> [UInt8]? {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: 1 << 20) else { return nil }
        return Array(buffer.readableBytesView)
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Serves until the task is cancelled, then shuts down gracefully: open connections are closed, not left
    /// half-alive for a pooled client to send into, and answers in progress are finished (held ones end at once).
    /// `onListening` gets the bound port.
    func run(host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void) async throws {
        let application = Application(
            router: buildRouter(), configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) }, logger: simulator.logger)
        try await runUntilCancelled(application, logger: simulator.logger)
    }
}

/// Ends a response whose answer the simulator drops.
private struct DroppedAnswer: Error {}
