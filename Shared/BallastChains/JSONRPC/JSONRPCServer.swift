import BallastCore
import Hummingbird
import Logging
import NIOCore

/// A JSON-RPC endpoint over HTTP for the simulated nodes: each request's `method` goes to its handler, and anything
/// else (bad JSON, an unknown method, bad params, a handler that fails) is answered with a JSON-RPC error, as a
/// real node answers it. Batches (a JSON array of requests) are answered with an array.
public final class JSONRPCServer: Sendable {
    public typealias Handler = @Sendable (JSONRPCParameters) async throws -> JSONValue

    private let handlers: [String: Handler]
    private let logger: Logger

    public init(handlers: [String: Handler], logger: Logger = Logger(label: "jsonrpc-server")) {
        self.handlers = handlers
        self.logger = logger
    }

    /// The HTTP status and body answering `body`. Callers of version 1.0 (no `jsonrpc` member) get Bitcoin Core's
    /// statuses: 500 for an error, 404 for an unknown method; 2.0 callers and batches always get 200. Notifications
    /// (2.0 requests without an id) are run and not answered: 204 and an empty body when nothing else is left.
    public func answer(_ body: [UInt8]) async -> (status: Int, body: String) {
        let document: JSONValue
        do {
            document = try JSONValue(parsing: body)
        } catch {
            let response = JSONRPCResponse(id: .null, outcome: .error(.parseError("Parse error: \(error.description)")))
            return (500, response.json(version2: false).serialized)
        }
        if case .array(let requests) = document {
            guard !requests.isEmpty else {
                return (200, JSONRPCResponse(id: .null, outcome: .error(.invalidRequest("empty batch"))).json(version2: true).serialized)
            }
            var answers: [JSONValue] = []
            for request in requests {
                if let answer = await answerOne(request) { answers.append(answer) }
            }
            return answers.isEmpty ? (204, "") : (200, JSONValue.array(answers).serialized)
        }
        guard let answer = await answerOne(document) else { return (204, "") }
        let isVersion2 = document["jsonrpc"] == .string("2.0")
        guard !isVersion2, case .object = answer, let error = answer["error"], error != .null else { return (200, answer.serialized) }
        return (error["code"] == .integer(JSONRPCErrorObject.methodNotFoundCode) ? 404 : 500, answer.serialized)
    }

    /// The answer to one request of a body; nil for a notification, which is run and not answered.
    private func answerOne(_ document: JSONValue) async -> JSONValue? {
        let isVersion2 = document["jsonrpc"] == .string("2.0")
        let request: JSONRPCRequest
        do {
            request = try JSONRPCRequest(parsing: document)
        } catch {
            return JSONRPCResponse(id: document["id"] ?? .null, outcome: .error(error)).json(version2: isVersion2)
        }
        let answer = await outcome(of: request, version2: isVersion2)
        // A 1.0 request without an id is still answered, as Bitcoin Core answers it.
        return isVersion2 && request.id == nil ? nil : answer
    }

    private func outcome(of request: JSONRPCRequest, version2 isVersion2: Bool) async -> JSONValue {
        let id = request.id ?? .null
        guard let handler = handlers[request.method] else {
            return JSONRPCResponse(id: id, outcome: .error(.methodNotFound(request.method))).json(version2: isVersion2)
        }
        do {
            let result = try await handler(JSONRPCParameters(request.params))
            return JSONRPCResponse(id: id, outcome: .result(result)).json(version2: isVersion2)
        } catch let error as JSONRPCErrorObject {
            return JSONRPCResponse(id: id, outcome: .error(error)).json(version2: isVersion2)
        } catch {
            logger.error("handler failed", metadata: ["method": "\(request.method)", "error": "\(error)"])
            return JSONRPCResponse(id: id, outcome: .error(.internalError(String(describing: error)))).json(version2: isVersion2)
        }
    }

    /// Serves on `host`:`port` (0: a port the kernel picks) until the task is cancelled; `onListening` gets the port
    /// once the socket accepts connections.
    public func run(host: String = "127.0.0.1", port: Int = 0, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
    {
        let router = Router()
        let answer: @Sendable (Request) async throws -> Response = { request in
            let bytes = try await request.body.collect(upTo: 16 << 20)
            let (status, body) = await self.answer(Array(bytes.readableBytesView))
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        // Bitcoin Core also serves wallets under /wallet/<name>: any path is the same endpoint here.
        router.post("/") { request, _ in try await answer(request) }
        router.post("**") { request, _ in try await answer(request) }
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) }, logger: logger)
        // Stopped gracefully: cancelled outright, a connection's response writer can be dropped unfinished, which NIO
        // turns into a crash of the process (seen in the test suite).
        try await runUntilCancelled(application, logger: logger)
    }

    /// Serves on 127.0.0.1 for the length of `body`, which gets the endpoint's URL.
    public func withRunning<Value: Sendable>(port: Int = 0, _ body: @Sendable (_ url: String) async throws -> Value) async throws -> Value {
        let listening = AsyncStream<Int>.makeStream()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run(port: port) { listening.continuation.yield($0) } }
            defer { group.cancelAll() }
            var boundPort: Int?
            for await port in listening.stream {
                boundPort = port
                break
            }
            guard let boundPort else { throw CancellationError() }
            return try await body("http://127.0.0.1:\(boundPort)/")
        }
    }
}
