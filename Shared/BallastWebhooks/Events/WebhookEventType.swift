import BallastService

/// The events an endpoint can subscribe to (`GET /api/v1/webhooks/event-types`), each with what it means and an
/// example of its `data`. Every body is `{"event", "timestamp", "userId", "data"}`, the seed systems' shape.
public struct WebhookEventType: Sendable, Encodable, Equatable {
    public var name: String
    public var description: String
    /// An example of the body's `data`, as JSON text.
    public var exampleData: String

    /// Subscribes an endpoint to every event type.
    public static let wildcard = "*"
    /// Sent by `POST /api/v1/webhooks/{id}/test`.
    public static let test = "webhook.test"
    /// Sent to the owner's other endpoints when one is disabled after repeated failures.
    public static let disabled = "webhook.disabled"

    public static let catalogue: [WebhookEventType] = [
        WebhookEventType(
            name: "signal.received", description: "A webhook signal was accepted (before any decision).",
            exampleData: #"{"id":"9b2c6a4e-0c1d-4a59-9a55-3e0f1f7d2b10","symbol":"BTC-USD","action":"buy","sequence":1}"#),
        WebhookEventType(
            name: "signal.rejected", description: "A signal failed a risk rule or could not be traded; every reason is listed.",
            exampleData:
                #"{"signalId":"9b2c6a4e-0c1d-4a59-9a55-3e0f1f7d2b10","symbol":"BTC-USD","reasons":[{"code":"max_open_positions"}]}"#),
        order("order.created", "An order was placed (market, limit, or an exit)."),
        order("order.filled", "An order filled completely."),
        order("order.canceled", "An open order was canceled; its locked funds are released."),
        order("order.expired", "A good-till-date order reached its expiry unfilled."),
        WebhookEventType(
            name: "trade.executed", description: "A fill: part or all of an order traded.",
            exampleData: #"""
                {"id":"5d0f1c1e-7f43-4a8e-a0f8-8a1de3d1a3b2","orderId":"0c6f8a52-93ad-4c8e-9d5e-1f0c2b7d8e11",\#
                "symbol":"BTC-USD","side":"buy","price":"64012.5","quantity":"0.015","fee":"0.96","feeAsset":"USD",\#
                "liquidity":"taker","executedAt":"2026-12-06T12:00:00.000Z"}
                """#),
        WebhookEventType(
            name: "trade.failed", description: "An order could not be executed (for example no fresh price).",
            exampleData: #"""
                {"orderId":"0c6f8a52-93ad-4c8e-9d5e-1f0c2b7d8e11","symbol":"BTC-USD","side":"sell","quantity":"0.015",\#
                "price":"63000","reason":"insufficient_position"}
                """#),
        position("position.opened", "A position was opened by a fill."),
        position("position.closed", "A position was closed, with its realized P&L and the reason."),
        WebhookEventType(
            name: "balance.unlocked", description: "Funds an open order held back are free again.",
            exampleData:
                #"{"accountId":"3f2a9c1d-5b6e-4f70-8a91-b2c3d4e5f607","orderId":"0c6f8a52-93ad-4c8e-9d5e-1f0c2b7d8e11","asset":"USD","amount":"960.19"}"#
        ),
        WebhookEventType(
            name: "balance.mismatch",
            description:
                "An exchange account's balance at the exchange differs from its ledger (sent when found and when it changes; never corrected).",
            exampleData:
                #"{"accountId":"3f2a9c1d-5b6e-4f70-8a91-b2c3d4e5f607","asset":"USD","venueAmount":"99750","ledgerAmount":"100000","difference":"-250"}"#
        ),
        WebhookEventType(
            name: "option.expired",
            description:
                "An option position was settled at expiry, in cash at intrinsic value from the underlying's price then (a position.closed follows with its P&L).",
            exampleData: #"""
                {"positionId":"9b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e","symbol":"BTC-USD-20261211-50500-C","underlying":"BTC-USD",\#
                "kind":"call","strike":"50500","expiry":"2026-12-11T08:00:00Z","underlyingPrice":"51234.5","contracts":"2",\#
                "settlementPrice":"734.5","payout":"1469"}
                """#),
        portfolio("portfolio.created", "A portfolio was created, with its own paper account (funded as asked)."),
        portfolio("portfolio.updated", "A portfolio's settings changed; the data is the portfolio as it is now."),
        portfolio("portfolio.deleted", "A portfolio was deleted; it is no longer monitored or rebalanced, its history stays."),
        portfolio("portfolio.paused", "A portfolio was paused: no drift monitoring, no scheduled rebalances."),
        portfolio("portfolio.resumed", "A paused portfolio was resumed; its next scheduled time is computed from now."),
        WebhookEventType(
            name: "drift.threshold_exceeded",
            description: "A monitored portfolio drifted past its threshold: sent once per crossing, not on every scan while it stays.",
            exampleData: #"""
                {"portfolioId":"4c8d2e1f-6a7b-4c9d-8e0f-1a2b3c4d5e6f","name":"Core 60/40","portfolioValue":"10450.5",\#
                "maxDrift":"6.12","driftThreshold":"5","thresholdRelative":false,"assets":[{"asset":"BTC","quantity":"0.1",\#
                "value":"6912","weight":"66.12","targetWeight":"60","drift":"6.12","isOverThreshold":true},{"asset":"ETH",\#
                "quantity":"1.2","value":"3538.5","weight":"33.87","targetWeight":"40","drift":"-6.13","isOverThreshold":true}],\#
                "runId":"8e3a5b7c-1d2f-4a6b-9c8d-7e6f5a4b3c2d"}
                """#),
        rebalance("rebalance.started", "A rebalancer started a run (manual, scheduled, or started by drift).", status: "running"),
        rebalance("rebalance.completed", "A run finished: its orders were placed (or planned only, for a dry run).", status: "completed"),
        rebalance(
            "rebalance.failed", "A run failed (a price missing or stale, the portfolio deleted...); nothing was traded.", status: "failed"),
        deposit("deposit.detected", "A payment to one of your deposit addresses was seen on chain.", status: "confirming", at: 1),
        deposit(
            "deposit.confirmed", "A deposit reached the confirmations its chain requires; it is credited next.", status: "confirmed", at: 6),
        deposit("deposit.credited", "A deposit was credited to your trading account, once.", status: "credited", at: 6),
        deposit(
            "deposit.failed", "A deposit cannot be credited (the reason says why); it can be retried by hand.", status: "failed", at: 6),
        deposit(
            "deposit.reversed", "A reorganisation removed a credited deposit from the chain; its credit was taken back.",
            status: "reversed", at: 0),
        deposit("deposit.stuck", "A deposit is neither credited nor failed a day after it was seen.", status: "confirming", at: 2),
        WebhookEventType(
            name: disabled, description: "One of your endpoints was disabled after repeated failed deliveries.",
            exampleData:
                #"{"webhookId":"e1c37d2a-4b5c-4d6e-9f70-8a9b0c1d2e3f","url":"https://example.com/hooks","failureCount":10,"reason":"10 consecutive failed deliveries since 2026-12-05T12:00:00Z"}"#
        ),
        systemAlert(
            SystemAlert.raised,
            "A worker of a Ballast service (a stream consumer, a scheduled job, the outbox relay) failed repeatedly; sent once per episode to every admin, and to the user whose work failed when it was theirs alone.",
            resolvedAt: nil),
        systemAlert(
            SystemAlert.resolved,
            "The worker of a system.alert succeeded again, or a whole window passed without a failure; sent once per episode.",
            resolvedAt: "2026-12-06T12:03:10.000Z"),
        WebhookEventType(
            name: test, description: "A test event sent on request; it is never retried.",
            exampleData: #"{"webhookId":"e1c37d2a-4b5c-4d6e-9f70-8a9b0c1d2e3f","message":"This is a test event from Ballast."}"#),
    ]

    /// Whether `name` is an event type endpoints can subscribe to.
    public static func isKnown(_ name: String) -> Bool {
        name == wildcard || catalogue.contains { $0.name == name }
    }

    private static func order(_ name: String, _ description: String) -> WebhookEventType {
        WebhookEventType(
            name: name, description: description,
            exampleData: #"""
                {"id":"0c6f8a52-93ad-4c8e-9d5e-1f0c2b7d8e11","clientOrderId":"sig-9b2c6a4e","symbol":"BTC-USD",\#
                "side":"buy","type":"market","timeInForce":"gtc","quantity":"0.015","filledQuantity":"0.015",\#
                "averagePrice":"64012.5","fees":"0.96","status":"filled"}
                """#)
    }

    private static func portfolio(_ name: String, _ description: String) -> WebhookEventType {
        WebhookEventType(
            name: name, description: description,
            exampleData: #"""
                {"id":"4c8d2e1f-6a7b-4c9d-8e0f-1a2b3c4d5e6f","accountId":"9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d",\#
                "name":"Core 60/40","quoteCurrency":"USD","targetWeights":{"BTC":"60","ETH":"40"},"method":"hybrid",\#
                "interval":"weekly","cron":"0 0 * * 1","timeZone":"Europe/Berlin","driftThreshold":"5","thresholdRelative":false,\#
                "rebalanceTo":"target","minimumTradeValue":"10","maxOrders":null,"dryRun":false,"paused":false,\#
                "overThreshold":false,"lastRebalancedAt":null,"nextRebalanceAt":"2026-12-06T23:00:00.000Z",\#
                "createdAt":"2026-12-06T12:00:00.000Z","updatedAt":"2026-12-06T12:00:00.000Z"}
                """#)
    }

    private static func rebalance(_ name: String, _ description: String, status: String) -> WebhookEventType {
        let finished = status != "running"
        let traded = status == "completed"
        return WebhookEventType(
            name: name, description: description,
            exampleData: #"""
                {"id":"8e3a5b7c-1d2f-4a6b-9c8d-7e6f5a4b3c2d","portfolioId":"4c8d2e1f-6a7b-4c9d-8e0f-1a2b3c4d5e6f",\#
                "triggeredBy":"drift","dryRun":false,"status":"\#(status)","requestedAt":"2026-12-06T12:00:00.000Z",\#
                "startedAt":"2026-12-06T12:00:00.120Z","executedAt":"2026-12-06T12:00:00.120Z",\#
                "finishedAt":\#(finished ? #""2026-12-06T12:00:00.480Z""# : "null"),"durationMs":\#(finished ? "360" : "null"),\#
                "attempts":1,"portfolioValueBefore":\#(finished ? #""10450.5""# : "null"),\#
                "portfolioValueAfter":\#(traded ? #""10446.32""# : "null"),"ordersPlanned":\#(traded ? "2" : "0"),\#
                "ordersExecuted":\#(traded ? "2" : "0"),"ordersFailed":0,"totalValueTraded":"\#(traded ? "1280.5" : "0")",\#
                "orders":\#(traded ? orders : "[]"),"errors":\#(status == "failed" ? #"["the price of ETH is 412 s old"]"# : "[]")}
                """#)
    }

    /// The outcome of each order of a completed run, sells first.
    private static let orders = #"""
        [{"clientOrderId":"rb-8e3a5b7c-0","orderId":"0c6f8a52-93ad-4c8e-9d5e-1f0c2b7d8e11","symbol":"BTC-USD","side":"sell",\#
        "status":"filled","requestedQuantity":"0.00925","filledQuantity":"0.00925","price":"69120","fee":"0.64","value":"638.72",\#
        "reason":null},{"clientOrderId":"rb-8e3a5b7c-1","orderId":"5d0f1c1e-7f43-4a8e-a0f8-8a1de3d1a3b2","symbol":"ETH-USD",\#
        "side":"buy","status":"filled","requestedQuantity":"0.2174","filledQuantity":"0.2174","price":"2948.75","fee":"0.64",\#
        "value":"641.7","reason":null}]
        """#

    /// A deposit as `deposit_json` (migration 26) writes it, at `confirmations` of its chain's 6.
    private static func deposit(_ name: String, _ description: String, status: String, at confirmations: Int) -> WebhookEventType {
        let inBlock = confirmations > 0
        let confirmed = ["confirmed", "credited", "failed"].contains(status)
        let reason: String =
            switch status {
            case "failed": #""the user has no trading account to credit: create one (ballast account create), then retry""#
            case "reversed": #""removed by a reorganisation at height 840117 after its credit""#
            default: "null"
            }
        return WebhookEventType(
            name: name, description: description,
            exampleData: #"""
                {"id":"2b7e4c1a-9d3f-4e8a-b6c5-1f0e2d3c4b5a","chain":"bitcoin",\#
                "txid":"4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b","contract":null,"outputIndex":0,\#
                "address":"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq","asset":"BTC","amount":"0.05",\#
                "blockHeight":\#(inBlock ? "840120" : "null"),\#
                "blockHash":\#(inBlock ? #""00000000000000000001c2a9e5b7f3d4c6e8a0b2d4f6a8c0e2b4d6f8a0c2e4f6""# : "null"),\#
                "confirmations":\#(confirmations),"requiredConfirmations":6,"status":"\#(status)","reason":\#(reason),\#
                "accountId":\#(status == "credited" || status == "reversed" ? #""3f2a9c1d-5b6e-4f70-8a91-b2c3d4e5f607""# : "null"),\#
                "detectedAt":"2026-12-06T12:00:00.000Z",\#
                "confirmedAt":\#(confirmed || status == "reversed" ? #""2026-12-06T12:50:00.000Z""# : "null"),\#
                "creditedAt":\#(status == "credited" || status == "reversed" ? #""2026-12-06T12:50:10.000Z""# : "null"),\#
                "updatedAt":"2026-12-06T12:50:10.000Z"}
                """#)
    }

    /// The `SystemAlert` an alert or its resolution carries.
    private static func systemAlert(_ name: String, _ description: String, resolvedAt: String?) -> WebhookEventType {
        WebhookEventType(
            name: name, description: description,
            exampleData: #"""
                {"failures":\#(resolvedAt == nil ? "5" : "9"),\#
                "firstError":"PSQLError: postgres error: SQLSTATE 57P01; terminating connection due to administrator command",\#
                "instance":"sp-1","lastError":"PSQLError: postgres connectionError","lastFailureAt":"2026-12-06T12:00:00.000Z",\#
                \#(resolvedAt.map { #""resolvedAt":"\#($0)","# } ?? "")"service":"signal-processor",\#
                "startedAt":"2026-12-06T11:58:30.000Z","windowSeconds":300,"worker":"consumer ballast:signals"}
                """#)
    }

    private static func position(_ name: String, _ description: String) -> WebhookEventType {
        WebhookEventType(
            name: name, description: description,
            exampleData: #"""
                {"id":"7a1e5b1c-2d3f-4e5a-8b9c-0d1e2f3a4b5c","symbol":"BTC-USD","side":"long","quantity":"0.015",\#
                "averageEntryPrice":"64012.5","realizedPnl":"0","status":"open"}
                """#)
    }
}
