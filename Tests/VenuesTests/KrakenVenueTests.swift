import BallastCore
import BallastTestSupport
import BallastTrading
import BallastVenues
import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing

/// `KrakenVenue`'s requests and its reading of the answers, against a scripted server over loopback HTTP: paging,
/// batching and the client order id lookup, which a simulator's happy path rarely reaches.
@Suite struct KrakenVenueTests {
    static let assetPairs = KrakenParsingTests.assetPairs

    @Test func rulesComeFromAssetPairsAndAnUnlistedSymbolIsRejected() async throws {
        try await ScriptedKraken.with { _, _ in
            Self.assetPairs
        } run: { kraken, venue in
            let rules = try await venue.rules(for: "BTC-USD")
            #expect(rules.venueSymbol == "XXBTZUSD" && rules.priceDecimals == 1 && rules.quantityDecimals == 8)
            let dogecoin = try await venue.rules(for: "doge-usd")
            #expect(dogecoin.venueSymbol == "XDGUSD")
            await #expect(throws: VenueError.rejected(code: "EQuery:Unknown asset pair", reason: "Kraken does not list ABC-USD")) {
                try await venue.rules(for: "ABC-USD")
            }
            // The list is loaded once; the miss reloads it at most once per 10 s.
            #expect(kraken.calls.filter { $0.method == "AssetPairs" }.count == 1)
        }
    }

    @Test func aLimitOrderIsSentAtThePairsDecimalsWithItsClientOrderID() async throws {
        let added = #"{"error":[],"result":{"descr":{"order":"buy 0.12345678 XBTUSD @ limit 30000.1"},"txid":["OUF4EM-FRGI2-MQMWZD"]}}"#
        try await ScriptedKraken.with { method, _ in
            method == "AssetPairs" ? Self.assetPairs : added
        } run: { kraken, venue in
            let order = VenueOrderRequest(
                clientOrderID: "6d8e3c1a-6f38-4c8f-9c38-2b1f3f0f5a11", symbol: "BTC-USD", side: .buy, type: .limit,
                quantity: Decimal(string: "0.123456789")!, limitPrice: Decimal(string: "30000.19")!)
            let placement = try await venue.place(order)
            #expect(placement == VenuePlacement(venueOrderID: "OUF4EM-FRGI2-MQMWZD", description: "buy 0.12345678 XBTUSD @ limit 30000.1"))
            let call = try #require(kraken.calls.last)
            #expect(call.method == "AddOrder")
            #expect(call.parameters["pair"] == "XXBTZUSD" && call.parameters["type"] == "buy" && call.parameters["ordertype"] == "limit")
            #expect(call.parameters["volume"] == "0.12345678" && call.parameters["price"] == "30000.1")
            #expect(call.parameters["cl_ord_id"] == "6d8e3c1a-6f38-4c8f-9c38-2b1f3f0f5a11" && call.parameters["validate"] == nil)
        }
    }

    @Test func aValidatedOrderHasNoTxidAndAMarketOrderNoPrice() async throws {
        let validated = #"{"error":[],"result":{"descr":{"order":"sell 1.00000000 ETHEUR @ market"}}}"#
        try await ScriptedKraken.with { method, _ in
            method == "AssetPairs" ? Self.assetPairs : validated
        } run: { kraken, venue in
            let order = VenueOrderRequest(
                clientOrderID: "c-1", symbol: "ETH-EUR", side: .sell, type: .market, quantity: 1, validateOnly: true)
            let placement = try await venue.place(order)
            #expect(placement == VenuePlacement(venueOrderID: nil, description: "sell 1.00000000 ETHEUR @ market"))
            let call = try #require(kraken.calls.last)
            #expect(call.parameters["validate"] == "true" && call.parameters["price"] == nil && call.parameters["volume"] == "1.00000000")
        }
    }

    @Test func ordersThatCannotBeSentAreRefusedBeforeKrakenIsAsked() async throws {
        try await ScriptedKraken.with { _, _ in
            Self.assetPairs
        } run: { kraken, venue in
            let dust = VenueOrderRequest(
                clientOrderID: "c", symbol: "BTC-USD", side: .buy, type: .market, quantity: Decimal(string: "0.000000001")!)
            await #expect { try await venue.place(dust) } throws: { error in
                if case VenueError.rejected("Ballast:Volume rounds to zero", _) = error { true } else { false }
            }
            let noPrice = VenueOrderRequest(clientOrderID: "c", symbol: "BTC-USD", side: .buy, type: .limit, quantity: 1)
            await #expect { try await venue.place(noPrice) } throws: { error in
                if case VenueError.rejected("Ballast:Missing limit price", _) = error { true } else { false }
            }
            #expect(!kraken.calls.contains { $0.method == "AddOrder" })
        }
    }

    static let closedOrder = """
        {"error":[],"result":{"closed":{"OBCMZD-JIEE7-77TH3F":{"cl_ord_id":"c-42","status":"closed","vol":"0.25","vol_exec":"0.25"}},
        "count":1}}
        """

    @Test func anOrderIsFoundByClientOrderIDAmongOpenThenClosedOrders() async throws {
        try await ScriptedKraken.with { method, parameters in
            switch method {
            case "OpenOrders": #"{"error":[],"result":{"open":{}}}"#
            case "ClosedOrders": parameters["cl_ord_id"] == "c-42" ? Self.closedOrder : #"{"error":[],"result":{"closed":{},"count":0}}"#
            default: #"{"error":["EGeneral:Unknown method"]}"#
            }
        } run: { kraken, venue in
            let state = try await venue.order(clientOrderID: "c-42")
            #expect(
                state
                    == VenueOrderState(
                        venueOrderID: "OBCMZD-JIEE7-77TH3F", clientOrderID: "c-42", status: .closed,
                        filledQuantity: Decimal(string: "0.25")!))
            #expect(kraken.calls.map(\.method) == ["OpenOrders", "ClosedOrders"])
            #expect(kraken.calls.allSatisfy { $0.parameters["cl_ord_id"] == "c-42" })
            let missing = try await venue.order(clientOrderID: "c-43")
            #expect(missing == nil)
        }
    }

    @Test func anOpenOrderIsFoundWithoutAskingForClosedOnes() async throws {
        let open = #"{"error":[],"result":{"open":{"OX-1":{"cl_ord_id":"c-1","status":"open","vol_exec":"0.1"}}}}"#
        try await ScriptedKraken.with { _, _ in
            open
        } run: { kraken, venue in
            let found = try await venue.order(clientOrderID: "c-1")
            #expect(found?.status == .open)
            // An entry for another client order id (a server ignoring the filter) is not taken for this one.
            let other = try await venue.order(clientOrderID: "c-2")
            #expect(other == nil)
            #expect(kraken.calls.map(\.method) == ["OpenOrders", "OpenOrders", "ClosedOrders"])
        }
    }

    @Test func ordersAreQueriedFiftyAtATimeAndUnknownIDsLeftOut() async throws {
        let ids = (0..<60).map { "O\($0)" }
        try await ScriptedKraken.with { _, parameters in
            let asked = (parameters["txid"] ?? "").split(separator: ",").map(String.init)
            // Kraken refuses a whole QueryOrders that names an id it does not know.
            if asked.contains("O57") { return #"{"error":["EOrder:Invalid order"]}"# }
            let entries = asked.map { #""\#($0)":{"status":"open","vol_exec":"0"}"# }.joined(separator: ",")
            return #"{"error":[],"result":{\#(entries)}}"#
        } run: { kraken, venue in
            let states = try await venue.orders(venueOrderIDs: ids + ["O1"])
            #expect(states.map(\.venueOrderID) == ids.filter { $0 != "O57" })
            let batches = kraken.calls.map { ($0.parameters["txid"] ?? "").split(separator: ",").count }
            // 50, then 10 refused and asked again one by one.
            #expect(batches == [50, 10] + Array(repeating: 1, count: 10))
        }
    }

    @Test func fillsArePagedOldestFirstOnceEachFromTheStartTime() async throws {
        let start = Date(epochSeconds: 1_700_000_000)
        // 120 trades, newest first as Kraken lists them, one each second from the start; one a second before it.
        let trades = (0..<121).reversed().map { index in
            (id: "T\(index)", time: "\(1_700_000_000 + index - 1).5")
        }
        try await ScriptedKraken.with { method, parameters in
            if method == "AssetPairs" { return Self.assetPairs }
            let offset = Int(parameters["ofs"] ?? "0") ?? 0
            // A trade made after the first page pushes the others one place down: the second page starts with the
            // first page's last trade.
            let listed = offset == 0 ? trades : [(id: "T121", time: "1700000200.5")] + trades
            let page = listed.dropFirst(offset).prefix(50).map { trade in
                #""\#(trade.id)":{"ordertxid":"O1","pair":"XXBTZUSD","time":\#(trade.time),"type":"buy","price":"30000.1","vol":"0.01","fee":"0.05","maker":false}"#
            }
            return #"{"error":[],"result":{"trades":{\#(page.joined(separator: ","))},"count":\#(listed.count)}}"#
        } run: { kraken, venue in
            let fills = try await venue.fills(since: start)
            #expect(fills.count == 120)
            #expect(fills.first?.tradeID == "T1" && fills.last?.tradeID == "T120")
            #expect(
                fills.allSatisfy { $0.symbol == "BTC-USD" && $0.price == Decimal(string: "30000.1")! && $0.fee == Decimal(string: "0.05")! }
            )
            let pages = kraken.calls.filter { $0.method == "TradesHistory" }
            #expect(pages.map { $0.parameters["ofs"] } == ["0", "50", "100"])
            #expect(pages.allSatisfy { $0.parameters["start"] == "1699999999" })
        }
    }

    @Test func balancesAreNamedAsBallastNamesAssetsWithoutEarnBalances() async throws {
        let balance =
            #"{"error":[],"result":{"ZUSD":"1000.5000","XXBT":"0.0100000000","XBT.F":"2.0","DOT.S":"5","SOL":"3.25","XXDG":"100"}}"#
        try await ScriptedKraken.with { _, _ in
            balance
        } run: { _, venue in
            let balances = try await venue.balances()
            #expect(
                balances == [
                    "USD": Decimal(string: "1000.5")!, "BTC": Decimal(string: "0.01")!, "SOL": Decimal(string: "3.25")!, "DOGE": 100,
                ])
        }
    }

    @Test func anUnreadableBalanceIsNotGuessed() async throws {
        try await ScriptedKraken.with { _, _ in
            #"{"error":[],"result":{"ZUSD":"lots"}}"#
        } run: { _, venue in
            await #expect(throws: VenueError.unknown("Balance answered an unreadable amount for ZUSD")) { try await venue.balances() }
        }
    }

    @Test func cancelSendsTheTxid() async throws {
        try await ScriptedKraken.with { _, _ in
            #"{"error":[],"result":{"count":1}}"#
        } run: { kraken, venue in
            try await venue.cancel(venueOrderID: "OUF4EM-FRGI2-MQMWZD")
            #expect(kraken.calls.last?.method == "CancelOrder" && kraken.calls.last?.parameters["txid"] == "OUF4EM-FRGI2-MQMWZD")
        }
    }
}

/// A Kraken that answers each call with the JSON a test scripts for its method and parameters, and records the calls.
final class ScriptedKraken: Sendable {
    struct Call: Sendable {
        var method: String
        var parameters: [String: String]
    }

    typealias Script = @Sendable (_ method: String, _ parameters: [String: String]) -> String

    private let recorded = Mutex<[Call]>([])
    var calls: [Call] { recorded.withLock { $0 } }

    static func with(
        _ script: @escaping Script, run body: @Sendable (ScriptedKraken, KrakenVenue) async throws -> Void
    ) async throws {
        let kraken = ScriptedKraken()
        let port = try freePort()
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let method = String(request.uri.path.split(separator: "/").last ?? "")
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var parameters: [String: String] = [:]
            for text in [request.uri.query ?? "", String(buffer: bytes)] {
                for pair in text.split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                    if parts.count == 2 { parameters[parts[0]] = parts[1] }
                }
            }
            parameters["nonce"] = nil
            kraken.recorded.withLock { $0.append(Call(method: method, parameters: parameters)) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: script(method, parameters))))
        }
        router.get("**", use: handler)
        router.post("**", use: handler)
        let started = AsyncStream<Void>.makeStream()
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in started.continuation.yield() }, logger: .init(label: "scripted-kraken"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // A port another test took makes the server end here; the stream ending stops the wait below.
                defer { started.continuation.finish() }
                try await runUntilCancelled(application, logger: Logger(label: "scripted-kraken"))
            }
            defer { group.cancelAll() }
            var listening = false
            for await _ in started.stream {
                listening = true
                break
            }
            guard listening else { throw CancellationError() }
            let venue = KrakenVenue(
                baseURL: "http://127.0.0.1:\(port)", apiKey: "key-\(UUID())", secret: Secret(KrakenSignerTests.documentedSecret),
                timeout: .seconds(5), tier: nil)
            try await body(kraken, venue)
        }
    }
}
