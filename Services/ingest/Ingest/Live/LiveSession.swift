import BallastCore
import Foundation
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// One WebSocket connection: its frames out, in order, and its requests in, each answered by id.
struct LiveSession: Sendable {
    /// Requests are small; a larger message closes the connection (1009).
    static let maxRequestBytes = 16 * 1024

    let streams: LiveStreams
    let combined: Bool
    let channel: any Channel

    func serve(_ target: LiveTarget, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let hub = streams.hub
        let initial: [(stream: LiveStream, user: UUID?)]
        do {
            initial = try await streams.resolve(target)
        } catch {
            let code = error == .unknownListenKey ? LiveCloseCode.listenKeyExpired : .policyViolation
            await Self.refuse(outbound, code: code, reason: "\(error)", errorFrame: true)
            return
        }
        let connection: LiveConnection
        do {
            connection = try hub.connect(combined: combined, channel: channel)
        } catch {
            await Self.refuse(outbound, code: LiveCloseCode.tooManyConnections, reason: "\(error)", errorFrame: false)
            return
        }
        defer { hub.disconnect(connection) }
        do {
            try hub.subscribe(connection, to: initial)
        } catch {
            await Self.refuse(outbound, code: LiveCloseCode.tooManyConnections, reason: "\(error)", errorFrame: false)
            return
        }
        await Self.coalesceFlushes(on: channel)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await Self.write(connection, to: outbound) }
            group.addTask { await answer(inbound, for: connection) }
            await group.next()
            group.cancelAll()
        }
        if let closing = connection.closingReason {
            try? await withTimeout(.seconds(2)) { try await outbound.close(closing.code, reason: Self.closeReason(closing.reason)) }
        }
    }

    /// The stream among `subscribed` that `name` names, however it is spelled (`btcusd@trade` for `btc-usd@trade`).
    static func subscribed(_ name: String, among subscribed: [LiveStream]) throws(LiveStreamError) -> LiveStream? {
        switch try LiveStreamRequest(parsing: name).kind {
        case .user(let listenKey):
            return subscribed.first { $0 == .user(listenKey: listenKey) }
        case .market(let ticker, let channel):
            let compact = ticker.uppercased().replacingOccurrences(of: "-", with: "")
            return subscribed.first {
                guard case .market(let symbol, channel) = $0 else { return false }
                return symbol == ticker.uppercased() || symbol.replacingOccurrences(of: "-", with: "") == compact
            }
        }
    }

    /// Closes a socket that was just opened, with an error frame first when `errorFrame`. It waits a moment before: some
    /// clients (swift-websocket's among them) lose frames that arrive together with the handshake's answer, and would
    /// wait for a close that never comes.
    private static func refuse(_ outbound: WebSocketOutboundWriter, code: WebSocketErrorCode, reason: String, errorFrame: Bool) async {
        try? await Task.sleep(for: .milliseconds(50))
        if errorFrame {
            try? await outbound.write(.text(LiveRequest.reply(.init(code: 2, message: "Invalid request: \(reason)", id: .null))))
        }
        try? await outbound.close(code, reason: closeReason(reason))
    }

    /// A close frame's reason holds at most 123 bytes (RFC 6455 §5.5); longer ones are cut at a character boundary.
    static func closeReason(_ text: String) -> String {
        guard text.utf8.count > 123 else { return text }
        var reason = ""
        for character in text {
            guard reason.utf8.count + character.utf8.count <= 120 else { break }
            reason.append(character)
        }
        return reason + "..."
    }

    /// Writes the connection's frames in order: each batch queued since the last one at once, all flushed together
    /// (`LiveFlushCoalescer`), so the socket gets one system call per batch instead of one per frame.
    private static func write(_ connection: LiveConnection, to outbound: WebSocketOutboundWriter) async {
        while let frames = await connection.takeFrames() {
            for frame in frames {
                if connection.isAborted { return }
                do {
                    try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: frame)))
                } catch {
                    return
                }
            }
        }
    }

    /// Puts a `LiveFlushCoalescer` next to the socket, so that the frames the writer hands over together are flushed
    /// together. A connection where it cannot be added (closed meanwhile) is written to as it is.
    private static func coalesceFlushes(on channel: any Channel) async {
        try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(LiveFlushCoalescer(), position: .first)
        }.get()
    }

    private func answer(_ inbound: WebSocketInboundStream, for connection: LiveConnection) async {
        do {
            for try await message in inbound.messages(maxSize: Self.maxRequestBytes) {
                switch message {
                case .text(let text): connection.send(await reply(to: text, for: connection))
                case .binary:
                    connection.send(LiveRequest.reply(.init(code: 2, message: "Invalid request: send requests as text frames", id: .null)))
                }
            }
        } catch {
            // The client broke the protocol (a message over the limit, say): the library closes with the code.
        }
    }

    private func reply(to text: String, for connection: LiveConnection) async -> String {
        let request: LiveRequest
        do {
            request = try LiveRequest(parsing: text)
        } catch {
            return LiveRequest.reply(error)
        }
        let hub = streams.hub
        switch request.method {
        case .listSubscriptions:
            return LiveRequest.reply(result: .array(hub.subscriptions(of: connection).map { .string($0.name) }), id: request.id)
        case .unsubscribe:
            // Matched against what the connection holds, without lookups: it works while the database is down and for
            // a listen key that expired.
            var streams: [LiveStream] = []
            for name in request.params {
                do {
                    if let stream = try Self.subscribed(name, among: hub.subscriptions(of: connection)) { streams.append(stream) }
                } catch {
                    return LiveRequest.reply(.init(code: 2, message: "Invalid request: \(error)", id: request.id))
                }
            }
            hub.unsubscribe(connection, from: streams)
        case .subscribe:
            let limit = hub.settings.maxSubscriptions
            guard request.params.count <= limit else {
                return LiveRequest.reply(
                    .init(code: 2, message: "Invalid request: too many subscriptions on one connection (limit \(limit))", id: request.id))
            }
            let resolved: [(stream: LiveStream, user: UUID?)]
            do {
                resolved = try await streams.resolve(names: request.params)
            } catch {
                return LiveRequest.reply(.init(code: 2, message: "Invalid request: \(error)", id: request.id))
            }
            do {
                try hub.subscribe(connection, to: resolved)
            } catch {
                return LiveRequest.reply(.init(code: 2, message: "Invalid request: \(error)", id: request.id))
            }
        }
        return LiveRequest.reply(result: .null, id: request.id)
    }
}
