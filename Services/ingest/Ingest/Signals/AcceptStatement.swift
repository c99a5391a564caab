import BallastCore
import Foundation
import Logging
import PostgresNIO

/// One signal to accept, with the outbox messages to publish if it is new.
struct AcceptRow: Sendable {
    var document: SignalDocument
    var fingerprint: String
    var raw: JSONValue
    /// The duplicate window: between signals without a client id, the same fingerprint from the same source
    /// within it is a duplicate.
    var window: Duration
    var signalMessageID: String
    var eventMessageID: String

    /// Same source and fingerprint: within the window, the same signal. Also the advisory lock's key.
    var contentKey: String { document.sourceID.uuidString + "|" + fingerprint }

    /// Whether the content decides if this signal is new: only without a client id (the sender's own
    /// statement of identity, which alone decides when present) and with the window open.
    var isDecidedByContent: Bool { document.clientID == nil && window > .zero }
}

/// Accepts a batch of signals with one `accept_signals` call (migration 4, as migrations 9, 12, 17, 19, 20
/// and 22 replaced it), so one round trip and one commit: duplicate checks against stored signals, the new signal
/// rows and their outbox rows (`ballast:signals` and `ballast:events`).
///
/// Duplicates inside the batch are settled here first, by the rule the function applies: a later row with
/// the same client id, or a later row without one with the same fingerprint as an earlier row without one
/// when the window is open, gets the earlier row's outcome. Across batches and instances the function's
/// advisory locks (id-less rows) and the unique `(source_id, client_id)` (rows with an id) do it.
enum AcceptStatement {
    static func run(_ rows: [AcceptRow], on database: PostgresClient, logger: Logger) async throws -> [AcceptOutcome] {
        let plan = BatchPlan(rows)
        var outcomes = [AcceptOutcome?](repeating: nil, count: rows.count)
        var clientIDTaken: [Int] = []
        let leaders = plan.leaders.map { rows[$0] }
        // The content lock only serves the duplicate window, which decides only signals without a client id:
        // for the others identical content is no duplicate, and queueing them behind each other's commits
        // would only add latency. The unique `(source_id, client_id)` orders repeats of one client id.
        let lockKeys = leaders.filter(\.isDecidedByContent).map(\.contentKey)
        let stored = try await database.query(
            "SELECT n, outcome, signal_id FROM accept_signals(\(lockKeys), \(batchJSON(leaders))::json)",
            logger: logger
        )
        for try await (position, outcome, signalID) in stored.decode((Int, String, UUID?).self) {
            let index = plan.leaders[position]
            switch (outcome, signalID) {
            case ("accepted", let id?): outcomes[index] = .accepted(id)
            case ("duplicate", let id?): outcomes[index] = .duplicate(id)
            default: clientIDTaken.append(index)
            }
        }
        // Another transaction committed the same client id with other content while the batch waited on
        // the unique index: that signal, visible now, is the original.
        for index in clientIDTaken {
            let document = rows[index].document
            let existing = try await database.query(
                "SELECT id FROM signals WHERE source_id = \(document.sourceID) AND client_id = \(document.clientID)",
                logger: logger
            )
            for try await id in existing.decode(UUID.self) { outcomes[index] = .duplicate(id) }
        }
        for (follower, leader) in plan.followers {
            switch outcomes[leader] {
            case .accepted(let id)?, .duplicate(let id)?: outcomes[follower] = .duplicate(id)
            case nil: break
            }
        }
        return try outcomes.map { outcome in
            guard let outcome else { throw AcceptError.noOutcome }
            return outcome
        }
    }

    enum AcceptError: Error { case noOutcome }

    /// Which rows go to the database (`leaders`) and which repeat an earlier row of the batch.
    struct BatchPlan {
        var leaders: [Int] = []
        var followers: [(follower: Int, leader: Int)] = []

        init(_ rows: [AcceptRow]) {
            var byClientID: [String: Int] = [:]
            var byFingerprint: [String: Int] = [:]
            for (index, row) in rows.enumerated() {
                if let clientID = row.document.clientID {
                    let clientKey = row.document.sourceID.uuidString + "|" + clientID
                    if let leader = byClientID[clientKey] {
                        followers.append((index, leader))
                    } else {
                        leaders.append(index)
                        byClientID[clientKey] = index
                    }
                } else if row.isDecidedByContent {
                    if let leader = byFingerprint[row.contentKey] {
                        followers.append((index, leader))
                    } else {
                        leaders.append(index)
                        byFingerprint[row.contentKey] = index
                    }
                } else {
                    leaders.append(index)
                }
            }
        }
    }

    /// The batch as `accept_signals` takes it. Documents are embedded as JSON, and `json` (not `jsonb`)
    /// keeps their text byte for byte.
    static func batchJSON(_ rows: [AcceptRow]) -> String {
        var batch = "["
        batch.reserveCapacity(rows.count * 2_048)
        for (position, row) in rows.enumerated() {
            if position > 0 { batch += "," }
            row.write(position: position, to: &batch)
        }
        return batch + "]"
    }
}

extension AcceptRow {
    /// The row as an object of `json_to_recordset`'s columns, written straight into the batch text.
    fileprivate func write(position: Int, to text: inout String) {
        let document = self.document
        let documentText = document.jsonText
        var first = true
        func key(_ name: String) {
            text += first ? "{\"" : ",\""
            first = false
            text += name + "\":"
        }
        func string(_ name: String, _ value: String?) {
            key(name)
            if let value { JSONValue.writeQuoted(value, to: &text) } else { text += "null" }
        }
        func json(_ name: String, _ value: String) {
            key(name)
            text += value
        }
        json("n", String(position))
        string("id", document.id.uuidString)
        string("source_id", document.sourceID.uuidString)
        string("user_id", document.userID.uuidString)
        string("client_id", document.clientID)
        string("fingerprint", fingerprint)
        string("exchange", document.exchange)
        string("symbol", document.symbol)
        string("action", document.action)
        string("direction", document.direction)
        string("quantity", document.quantity)
        string("price", document.price)
        string("order_type", document.orderType)
        string("stop_loss", document.stopLoss)
        string("take_profit", document.takeProfit)
        string("timeframe", document.timeframe)
        string("strike", document.strike)
        string("expiration", document.expiration)
        string("strategy", document.strategy)
        string("comment", document.comment)
        string("signal_time", document.timestamp.map(RFC3339.string(from:)))
        key("raw")
        raw.write(to: &text)
        string("received_at", RFC3339.string(from: document.receivedAt))
        string("time_in_force", document.timeInForce)
        string("expires_at", document.expiresAt.map(RFC3339.string(from:)))
        string("trailing_stop_percent", document.trailingStopPercent)
        string("sentiment", document.sentiment)
        string("stop_loss_percent", document.stopLossPercent)
        string("stop_loss_amount", document.stopLossAmount)
        string("take_profit_percent", document.takeProfitPercent)
        string("take_profit_amount", document.takeProfitAmount)
        string("notional", document.notional)
        json("routing", document.routingText ?? "null")
        json("strikes_away", document.strikesAway ?? "null")
        string("intrinsic_value", document.intrinsicValue)
        string("volatility", document.volatility)
        json("window_seconds", String(window.components.seconds))
        string("signal_message_id", signalMessageID)
        json("signal_data", documentText)
        string("event_message_id", eventMessageID)
        json("event_data", SignalDocument.eventText(document: documentText, receivedAt: document.receivedAt, userID: document.userID))
        text += "}"
    }
}
