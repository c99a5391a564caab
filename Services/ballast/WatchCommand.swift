import ArgumentParser
import AsyncHTTPClient
import BallastCore
import BallastMarket
import Foundation
import Logging
import NIOCore
import NIOWebSocket
import WSClient

/// `ballast watch`: prints what ingest's WebSocket streams send, one frame a line, so that a newcomer sees live trades,
/// candles and their own fills without writing a client (websocat works too; this one knows Ballast's URLs).
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print the frames of ingest's WebSocket streams, one a line, until Ctrl-C.",
        discussion: """
            One stream (btc-usd@trade) connects to /ws/<stream> and prints its payloads; several (btc-usd@trade \
            btc-usd@kline_1m) connect to /stream?streams=a/b and print the combined {"stream","data"} frames. A ws:// or \
            wss:// URL is used as it is. --api-key asks ingest for a listen key (POST /api/v1/userDataStream) and watches \
            that user's own events; --listen-key watches one you already have. Ingest is BALLAST_INGEST_URL \
            (http://127.0.0.1:8080) unless --host says otherwise. Exit code 2: bad arguments; 1: the connection was \
            refused or closed (the close code and reason are printed).
            """
    )

    @Argument(help: "Streams (<symbol>@trade, @kline_<interval>, @ticker, @miniTicker) or one ws:// URL.")
    var streams: [String] = []

    @Option(help: "Ingest's address: HOST:PORT or an http(s):// or ws(s):// URL.")
    var host: String?

    @Option(help: "Watch the user stream of this listen key.")
    var listenKey: String?

    @Option(help: "Get a listen key with this API key first, then watch that user's stream.")
    var apiKey: String?

    /// What to connect to, decided from the arguments alone.
    enum Target: Equatable {
        case url(String)
        case streams([String])
        case listenKey(String)
        case userOfAPIKey(String)
    }

    /// The stream kinds ingest serves, after `<symbol>@`.
    static let streamKinds = ["trade", "ticker", "miniTicker"] + CandleInterval.allCases.map { "kline_\($0.rawValue)" }

    func run() async throws {
        let target: Target
        let base: String
        do {
            target = try Self.target(streams: streams, listenKey: listenKey, apiKey: apiKey)
            base = try Self.webSocketBase(host ?? ProcessInfo.processInfo.environment["BALLAST_INGEST_URL"] ?? "http://127.0.0.1:8080")
        } catch {
            throw CommandFailure.exit(error.message, code: 2)
        }
        let url: String
        switch target {
        case .url(let given): url = given
        case .streams(let names): url = Self.streamsURL(base: base, streams: names)
        case .listenKey(let key): url = "\(base)/ws/\(key)"
        case .userOfAPIKey(let apiKey): url = "\(base)/ws/\(try await Self.listenKey(base: base, apiKey: apiKey))"
        }
        try await Self.watch(url)
    }

    /// The target the arguments name, or why they name none.
    static func target(streams: [String], listenKey: String?, apiKey: String?) throws(ArgumentProblem) -> Target {
        let userOptions = [listenKey, apiKey].compactMap { $0 }
        guard userOptions.count + (streams.isEmpty ? 0 : 1) == 1 else {
            throw ArgumentProblem("give streams, a ws:// URL, --listen-key or --api-key (one of them)")
        }
        if let listenKey {
            guard !listenKey.isEmpty, listenKey.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) else {
                throw ArgumentProblem("--listen-key takes the listenKey ingest returned (letters, digits, - and _)")
            }
            return .listenKey(listenKey)
        }
        if let apiKey {
            guard !apiKey.isEmpty, !apiKey.contains(where: \.isWhitespace) else { throw ArgumentProblem("--api-key is empty") }
            return .userOfAPIKey(apiKey)
        }
        if streams.count == 1, let only = streams.first, only.hasPrefix("ws://") || only.hasPrefix("wss://") {
            guard URL(string: only)?.host != nil else { throw ArgumentProblem("'\(only)' is not a WebSocket URL") }
            return .url(only)
        }
        return .streams(try streams.map(streamName))
    }

    /// `<symbol>@<kind>` with the symbol in lower case (`BTC-USD@trade` → `btc-usd@trade`); the kind keeps its case
    /// (`miniTicker`).
    static func streamName(_ text: String) throws(ArgumentProblem) -> String {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty,
            parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else {
            throw ArgumentProblem("'\(text)' is not a stream: write <symbol>@<kind>, e.g. btc-usd@trade")
        }
        guard streamKinds.contains(String(parts[1])) else {
            throw ArgumentProblem("'\(text)': unknown kind '\(parts[1])'; one of \(streamKinds.joined(separator: ", "))")
        }
        return "\(parts[0].lowercased())@\(parts[1])"
    }

    /// `ws://host:port` from HOST:PORT or an http(s)/ws(s) URL (a path is dropped).
    static func webSocketBase(_ text: String) throws(ArgumentProblem) -> String {
        let withScheme = text.contains("://") ? text : "ws://\(text)"
        guard let components = URLComponents(string: withScheme), let host = components.host, !host.isEmpty,
            let scheme = ["http": "ws", "ws": "ws", "https": "wss", "wss": "wss"][components.scheme?.lowercased() ?? ""]
        else {
            throw ArgumentProblem("--host takes HOST:PORT or an http(s):// or ws(s):// URL, got '\(text)'")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(hostPart)\(components.port.map { ":\($0)" } ?? "")"
    }

    static func streamsURL(base: String, streams: [String]) -> String {
        streams.count == 1 ? "\(base)/ws/\(streams[0])" : "\(base)/stream?streams=\(streams.joined(separator: "/"))"
    }

    /// POSTs /api/v1/userDataStream with the API key and returns the listen key, or exits 1 saying why not.
    static func listenKey(base: String, apiKey: String) async throws -> String {
        let http = base.replacingOccurrences(of: "ws://", with: "http://").replacingOccurrences(of: "wss://", with: "https://")
        var request = HTTPClientRequest(url: "\(http)/api/v1/userDataStream")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        let status: UInt
        let body: String
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            status = response.status.code
            body = String(buffer: try await response.body.collect(upTo: 1 << 16))
        } catch {
            throw CommandFailure.exit("cannot reach ingest at \(http): \(error)", code: 1)
        }
        guard status == 200 || status == 201, case .string(let key)? = (try? JSONValue(parsing: body.utf8))?["listenKey"] else {
            throw CommandFailure.exit("ingest answered \(status) to POST /api/v1/userDataStream: \(body)", code: 1)
        }
        return key
    }

    /// Connects and prints each frame until the server closes the connection (exit 1 with its code) or Ctrl-C.
    static func watch(_ url: String) async throws {
        var logger = Logger(label: "ballast-watch")
        logger.logLevel = .critical
        let configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 22, closeTimeout: .seconds(2))
        let close: WebSocketCloseFrame?
        do {
            close = try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, _, _ in
                printLine("connected to \(url); Ctrl-C stops", to: .standardError)
                for try await message in inbound.messages(maxSize: 1 << 22) {
                    switch message {
                    case .text(let text): printLine(text.replacingOccurrences(of: "\n", with: " "))
                    case .binary(let buffer): printLine("<binary frame of \(buffer.readableBytes) bytes>")
                    }
                }
            }
        } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
            throw CommandFailure.exit("ingest refused the WebSocket upgrade of \(url) (unknown stream or listen key?)", code: 1)
        } catch {
            // NIO's connection errors list every address tried; a refusal is the common case and needs one line.
            let reason = "\(error)".contains("Connection refused") ? "connection refused (is ingest running?)" : "\(error)"
            throw CommandFailure.exit("cannot connect to \(url): \(reason)", code: 1)
        }
        let code = close.map { "\(UInt16(webSocketErrorCode: $0.closeCode)) (\($0.closeCode))" } ?? "none"
        let reason = close?.reason.flatMap { $0.isEmpty ? nil : $0 } ?? "no reason given"
        throw CommandFailure.exit("ingest closed the connection: code \(code), \(reason)", code: 1)
    }

    /// Written at once, not buffered: the output is usually watched live or piped to `jq`.
    private static func printLine(_ line: String, to handle: FileHandle = .standardOutput) {
        handle.write(Data((line + "\n").utf8))
    }

    struct ArgumentProblem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
