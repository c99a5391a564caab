import BallastCore
import BallastMarket
import BallastRedis
import BallastService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import PostgresNIO

/// The WebSocket streams ingest serves, in Binance's conventions: `/ws/<stream>` (bare payloads), `/stream?streams=a/b`
/// (`{"stream","data"}` wrappers), `SUBSCRIBE`/`UNSUBSCRIBE`/`LIST_SUBSCRIPTIONS` on the open socket, and user streams
/// named by a listen key. See docs/websockets.md.
///
/// A WebSocket request whose streams cannot all be served is closed with the reason (`LiveCloseCode`); a plain HTTP
/// request for the same paths gets the same check as a problem (400 naming the stream, 401 for a listen key, 503 when
/// full, 426 when it could be served but is not a WebSocket upgrade).
public struct LiveStreams: Sendable {
    let hub: LiveHub
    let symbols: KnownSymbols
    let listenKeys: ListenKeyStore
    let logger: Logger

    public init(
        redis: RedisClient, database: PostgresClient, settings: LiveStreamSettings, symbols: SymbolCatalogueSettings, logger: Logger
    ) {
        hub = LiveHub(settings: settings)
        self.symbols = KnownSymbols(database: database, settings: symbols, logger: logger)
        listenKeys = ListenKeyStore(redis: redis, ttl: settings.listenKeyTTL)
        self.logger = logger
    }

    /// The service that reads Redis for this instance's subscribers.
    func feed(redis: RedisClient) -> LiveFeed {
        LiveFeed(hub: hub, redis: redis, listenKeys: listenKeys, logger: logger)
    }

    /// The WebSocket settings of the server: client frames up to `LiveSession.maxRequestBytes` (the library checks a
    /// message's size only across fragments, so the frame limit is what bounds a request), pings every
    /// `BALLAST_WS_PING_SECONDS`. Frames the server sends are not bound by it.
    var serverConfiguration: WebSocketServerConfiguration {
        WebSocketServerConfiguration(
            maxFrameSize: LiveSession.maxRequestBytes, autoPing: .enabled(timePeriod: hub.settings.pingInterval), closeTimeout: .seconds(5))
    }

    // MARK: Upgrade

    /// Upgrades every request for `/ws` or `/stream`. Streams that cannot be served are refused on the open socket
    /// (an error frame, then a close with the reason): a refused upgrade could only be a bare 400, with no reason.
    func shouldUpgrade(
        _ head: HTTPRequest, channel: any Channel, logger: Logger
    ) async -> ShouldUpgradeResult<
        WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>
    > {
        guard let target = LiveTarget(uri: URI(head.path ?? "")) else { return .dontUpgrade }
        let session = LiveSession(streams: self, combined: target.combined, channel: channel)
        return .upgrade([:]) { inbound, outbound, _ in
            await session.serve(target, inbound: inbound, outbound: outbound)
        }
    }

    // MARK: HTTP answers for what was not upgraded

    func addRoutes(to router: Router<IngestRequestContext>) {
        for path: RouterPath in ["ws", "ws/{stream}", "stream"] {
            router.get(path) { request, _ -> Response in
                guard let target = LiveTarget(uri: request.uri) else { throw HTTPError(.notFound) }
                do {
                    _ = try await resolve(target)
                } catch let error as LiveStreamError {
                    throw problem(error, parameter: target.parameter)
                }
                guard hub.connectionCount < hub.settings.maxConnections else {
                    throw ProblemDetails(
                        status: .serviceUnavailable,
                        detail: LiveHub.Refusal.instanceFull(hub.settings.maxConnections).description)
                }
                throw ProblemDetails(
                    status: .upgradeRequired,
                    detail: "connect with a WebSocket client (GET with Upgrade: websocket), for example `ballast watch`",
                    headers: [.upgrade: "websocket"])
            }
        }
    }

    private func problem(_ error: LiveStreamError, parameter: String) -> ProblemDetails {
        switch error {
        case .unknownListenKey:
            ProblemDetails(
                status: .unauthorized, detail: error.description,
                invalidParams: [.init(name: parameter, reason: "the listen key is unknown or expired")])
        case .invalid, .unknownSymbol:
            ProblemDetails(
                status: .badRequest, detail: "cannot serve the stream", invalidParams: [.init(name: parameter, reason: error.description)])
        }
    }

    // MARK: Resolving stream names

    /// The streams `target` names, symbols resolved and listen keys checked, or the first reason one cannot be served.
    func resolve(_ target: LiveTarget) async throws(LiveStreamError) -> [(stream: LiveStream, user: UUID?)] {
        guard target.names.count <= hub.settings.maxSubscriptions else {
            throw .invalid(
                "\(target.names.count) streams", "are more than one connection may subscribe to (\(hub.settings.maxSubscriptions))")
        }
        return try await resolve(names: target.names)
    }

    func resolve(names: [String]) async throws(LiveStreamError) -> [(stream: LiveStream, user: UUID?)] {
        var requests: [(name: String, request: LiveStreamRequest)] = []
        for name in names { requests.append((name, try LiveStreamRequest(parsing: name))) }
        var tickers: [String] = []
        for item in requests { if case .market(let ticker, _) = item.request.kind { tickers.append(ticker.uppercased()) } }
        var resolutions: [String: SymbolResolution] = [:]
        if !tickers.isEmpty {
            do {
                resolutions = try await symbols.resolve(tickers)
            } catch {
                logger.warning("cannot load the known symbols for a WebSocket subscription", metadata: ["error": "\(error)"])
                throw .invalid(tickers[0], "cannot be checked now (the database is unavailable); try again")
            }
        }
        var streams: [(stream: LiveStream, user: UUID?)] = []
        for item in requests {
            switch item.request.kind {
            case .market(let ticker, let channel):
                guard let symbol = resolutions[ticker.uppercased()]?.symbol else { throw .unknownSymbol(item.name) }
                streams.append((.market(symbol: symbol, channel: channel), nil))
            case .user(let listenKey):
                let owner: UUID?
                do {
                    owner = try await listenKeys.owner(of: listenKey)
                } catch {
                    logger.warning("cannot look up a listen key in Redis", metadata: ["error": "\(error)"])
                    throw .invalid("listen key", "cannot be checked now (Redis is unavailable); try again")
                }
                guard let owner else { throw .unknownListenKey }
                streams.append((.user(listenKey: listenKey), owner))
            }
        }
        return streams
    }
}

/// Where a WebSocket request points: `/ws`, `/ws/<stream>[/<stream>…]`, or `/stream[?streams=a/b]`.
struct LiveTarget: Sendable {
    let combined: Bool
    let names: [String]

    /// The parameter a problem names: the path's stream, or the `streams` query parameter.
    var parameter: String { combined ? "streams" : "stream" }

    init?(uri: URI) {
        let path = uri.path
        if path == "/ws" || path == "/ws/" {
            combined = false
            names = []
        } else if path.hasPrefix("/ws/") {
            combined = false
            names = path.dropFirst(4).split(separator: "/", omittingEmptySubsequences: true).map {
                String($0).removingPercentEncoding ?? String($0)
            }
        } else if path == "/stream" || path == "/stream/" {
            combined = true
            names = (uri.queryParameters.get("streams") ?? "").split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        } else {
            return nil
        }
    }
}
