import AsyncHTTPClient
import BallastCore
import BallastTrading
import BallastVenues
import Crypto
import Foundation
import NIOCore
import Synchronization
import Testing

/// The simulated Kraken over real loopback HTTP, called as a Kraken client calls Kraken: requests signed here with
/// swift-crypto from the documented recipe, not with the Kraken adapter, so the two are checked against each other.
@Suite("Simulated Kraken: protocol, orders and balances")
struct KrakenSimulatorTests {
    static let credential = KrakenSimulatorCredential(
        apiKey: "simulator-test-key", secret: Data((0..<64).map { UInt8($0) }).base64EncodedString())

    @Test("a signed call with a fresh nonce is answered; an unknown key, a bad signature and a used nonce are refused")
    func authentication() async throws {
        try await withSimulator(balances: ["USD": 10]) { (_, kraken) async throws in
            let balance = try await kraken.call("Balance", nonce: 100)
            #expect(balance.errors == [])
            #expect(balance.result?["ZUSD"] == .string("10.0000"))
            #expect(try await kraken.call("Balance", nonce: 101, apiKey: "nobody").errors == ["EAPI:Invalid key"])
            let otherSecret = Data(repeating: 9, count: 64).base64EncodedString()
            #expect(try await kraken.call("Balance", nonce: 102, secret: otherSecret).errors == ["EAPI:Invalid signature"])
            #expect(try await kraken.call("Balance", nonce: 100).errors == ["EAPI:Invalid nonce"])
            #expect(try await kraken.call("Balance", nonce: 99).errors == ["EAPI:Invalid nonce"])
            // A refused signature does not use up its nonce.
            #expect(try await kraken.call("Balance", nonce: 102).errors == [])
            #expect(try await kraken.call("Balance", nonce: 102).errors == ["EAPI:Invalid nonce"])
            // The signature covers the path: the same body signed for another method is refused.
            #expect(try await kraken.call("OpenOrders", nonce: 103, signedPath: "/0/private/Balance").errors == ["EAPI:Invalid signature"])
        }
    }

    @Test("a market buy fills at the last price with the taker fee in USD, moves balances and shows in TradesHistory")
    func marketBuy() async throws {
        try await withSimulator(balances: ["USD": 100_000]) { (simulator, kraken) async throws in
            let trades = Mutex<[KrakenSimulatedTrade]>([])
            simulator.onTrade { trade in trades.withLock { $0.append(trade) } }
            let placed = try await kraken.call("AddOrder", ["pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.01"])
            #expect(placed.errors == [])
            #expect(placed.result?["descr"]?["order"] == .string("buy 0.01000000 XBTUSD @ market"))
            let txid = try #require(placed.result?["txid"]?.simArray?.first?.simText)
            #expect(txid.wholeMatch(of: /O[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{6}/) != nil)

            let balance = try await kraken.call("Balance")
            #expect(balance.result?["ZUSD"] == .string("99397.6000"))
            #expect(balance.result?["XXBT"] == .string("0.0100000000"))

            let history = try await kraken.call("TradesHistory")
            #expect(history.result?["count"] == .number("1"))
            let (tradeID, trade) = try #require(history.result?["trades"]?.simMembers.first)
            #expect(tradeID.wholeMatch(of: /T[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{6}/) != nil)
            #expect(trade["ordertxid"] == .string(txid))
            #expect(trade["pair"] == .string("XXBTZUSD"))
            #expect(trade["type"] == .string("buy"))
            #expect(trade["ordertype"] == .string("market"))
            #expect(trade["price"] == .string("60000.0"))
            #expect(trade["vol"] == .string("0.01000000"))
            #expect(trade["cost"] == .string("600.00000"))
            #expect(trade["fee"] == .string("2.40000"))
            #expect(trade["maker"] == .bool(false))
            #expect(trade["trade_id"] == .number("1"))
            #expect(trade["time"]?.simNumber?.wholeMatch(of: /\d{10}\.\d{4}/) != nil)

            let order = try await kraken.call("QueryOrders", ["txid": txid, "trades": "true"])
            #expect(order.result?[txid]?["status"] == .string("closed"))
            #expect(order.result?[txid]?["vol_exec"] == .string("0.01000000"))
            #expect(order.result?[txid]?["trades"] == .array([.string(tradeID)]))
            #expect(trades.withLock { $0 }.map(\.symbol) == ["BTC/USD"])
            #expect(trades.withLock { $0 }.first?.orderType == .market)
        }
    }

    @Test("a market sell takes the fee from the proceeds; a large order fills in two trades with increasing trade ids")
    func sellAndSplit() async throws {
        try await withSimulator(balances: ["BTC": 1, "USD": 0]) { (simulator, kraken) async throws in
            let trades = Mutex<[KrakenSimulatedTrade]>([])
            simulator.onTrade { trade in trades.withLock { $0.append(trade) } }
            let sold = try await kraken.call("AddOrder", ["pair": "XXBTZUSD", "type": "sell", "ordertype": "market", "volume": "0.5"])
            #expect(sold.errors == [])
            // 30000 of proceeds less 0.40 %, in two trades of 0.25 BTC.
            #expect(simulator.balance("USD") == Decimal(string: "29880")!)
            #expect(simulator.balance("XXBT") == Decimal(string: "0.5")!)
            #expect(simulator.fills.map(\.volume) == [Decimal(string: "0.25")!, Decimal(string: "0.25")!])
            #expect(trades.withLock { $0 }.map(\.tradeID) == [1, 2])
            #expect(try await kraken.call("TradesHistory").result?["count"] == .number("2"))
        }
    }

    @Test("a limit order away from the price rests, holds its funds, and fills as maker when a market trade reaches it")
    func restingLimit() async throws {
        try await withSimulator(balances: ["USD": 10_000]) { (simulator, kraken) async throws in
            let clientOrderID = UUID().uuidString.lowercased()
            let placed = try await kraken.call(
                "AddOrder",
                ["pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "59000.0", "volume": "0.1", "cl_ord_id": clientOrderID])
            #expect(placed.result?["descr"]?["order"] == .string("buy 0.10000000 XBTUSD @ limit 59000.0"))
            let txid = try #require(placed.result?["txid"]?.simArray?.first?.simText)
            let open = try await kraken.call("OpenOrders", ["cl_ord_id": clientOrderID])
            #expect(open.result?["open"]?[txid]?["status"] == .string("open"))
            #expect(open.result?["open"]?[txid]?["cl_ord_id"] == .string(clientOrderID))
            // 5900 and the 0.25 % maker fee are held: 4085.25 is left to spend.
            let extended = try await kraken.call("BalanceEx")
            #expect(extended.result?["ZUSD"]?["hold_trade"] == .string("5914.7500"))
            #expect(
                try await kraken.call("AddOrder", ["pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.07"]).errors == [
                    "EOrder:Insufficient funds"
                ])

            try simulator.publishMarketTrade(pair: "BTC/USD", price: 59_500, volume: 1, side: .sell)
            #expect(simulator.orders.first?.status == .open)
            try simulator.publishMarketTrade(pair: "BTC/USD", price: 58_900, volume: Decimal(string: "0.04")!, side: .sell)
            #expect(simulator.orders.first?.executedVolume == Decimal(string: "0.04")!)
            try simulator.publishMarketTrade(pair: "BTC/USD", price: 58_950, volume: 1, side: .sell)

            let closed = try await kraken.call("ClosedOrders", ["cl_ord_id": clientOrderID])
            #expect(closed.result?["count"] == .number("1"))
            #expect(closed.result?["closed"]?[txid]?["status"] == .string("closed"))
            #expect(closed.result?["closed"]?[txid]?["price"] == .string("59000.0"))
            #expect(simulator.fills.allSatisfy { $0.isMaker && $0.price == 59_000 })
            #expect(simulator.balance("USD") == Decimal(string: "4085.25")!)
            #expect(simulator.balance("BTC") == Decimal(string: "0.1")!)
            #expect(try await kraken.call("BalanceEx").result?["ZUSD"]?["hold_trade"] == .string("0.0000"))
        }
    }

    @Test("a limit order at or through the last price fills at once, at the last price, as taker")
    func crossingLimit() async throws {
        try await withSimulator(balances: ["ETH": 1]) { (simulator, kraken) async throws in
            let placed = try await kraken.call(
                "AddOrder", ["pair": "ETHUSD", "type": "sell", "ordertype": "limit", "price": "2900.00", "volume": "0.5"])
            #expect(placed.errors == [])
            #expect(simulator.orders.first?.status == .closed)
            #expect(simulator.fills.first?.price == 3_000)
            #expect(simulator.fills.first?.isMaker == false)
            #expect(simulator.balance("ZUSD") == Decimal(string: "1494")!)
        }
    }

    @Test(
        "AddOrder's checks answer Kraken's errors and place nothing",
        arguments: [
            (["pair": "DOGEUSD", "type": "buy", "ordertype": "market", "volume": "1"], "EQuery:Unknown asset pair"),
            (["type": "buy", "ordertype": "market", "volume": "1"], "EGeneral:Invalid arguments:pair"),
            (["pair": "XBTUSD", "type": "hold", "ordertype": "market", "volume": "1"], "EGeneral:Invalid arguments:type"),
            (["pair": "XBTUSD", "type": "buy", "ordertype": "stop-loss", "volume": "1"], "EGeneral:Invalid arguments:ordertype"),
            (["pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.000000001"], "EGeneral:Invalid arguments:volume"),
            (["pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "-1"], "EGeneral:Invalid arguments:volume"),
            (["pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "1e400"], "EGeneral:Invalid arguments:volume"),
            (["pair": "XBTUSD", "type": "buy", "ordertype": "limit", "volume": "0.01"], "EGeneral:Invalid arguments:price"),
            (
                ["pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "59000.05", "volume": "0.01"],
                "EGeneral:Invalid arguments:price"
            ),
            (["pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.00004"], "EOrder:Order minimum not met"),
            (["pair": "SOLUSD", "type": "buy", "ordertype": "limit", "price": "10.00", "volume": "0.02"], "EOrder:Cost minimum not met"),
            (["pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "2"], "EOrder:Insufficient funds"),
            (["pair": "XBTUSD", "type": "sell", "ordertype": "market", "volume": "0.01"], "EOrder:Insufficient funds"),
            (
                [
                    "pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.01",
                    "cl_ord_id": "this text is too long for kraken",
                ],
                "EGeneral:Invalid arguments:cl_ord_id"
            ),
        ])
    func orderChecks(parameters: [String: String], error: String) async throws {
        try await withSimulator(balances: ["USD": 100_000]) { (simulator, kraken) async throws in
            #expect(try await kraken.call("AddOrder", parameters).errors == [error])
            #expect(simulator.orders.isEmpty)
            #expect(simulator.placedOrderCount == 0)
            #expect(simulator.balance("USD") == 100_000)
        }
    }

    @Test("validate=true checks the order and answers its description, without a txid, placing nothing")
    func validateOnly() async throws {
        try await withSimulator(balances: ["USD": 1_000]) { (simulator, kraken) async throws in
            let answer = try await kraken.call(
                "AddOrder", ["pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.01", "validate": "true"])
            #expect(answer.errors == [])
            #expect(answer.result == .object([("descr", .object([("order", .string("buy 0.01000000 XBTUSD @ market"))]))]))
            let tooBig = try await kraken.call(
                "AddOrder", ["pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "1", "validate": "true"])
            #expect(tooBig.errors == ["EOrder:Insufficient funds"])
            #expect(simulator.orders.isEmpty)
            #expect(simulator.placedOrderCount == 0)
            #expect(simulator.balance("USD") == 1_000)
        }
    }

    @Test("a cl_ord_id equal to an open order's is refused; once that order is closed the id may be used again")
    func duplicateClientOrderID() async throws {
        try await withSimulator(balances: ["USD": 100_000]) { (simulator, kraken) async throws in
            let resting = [
                "pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "50000", "volume": "0.01", "cl_ord_id": "batch-7",
            ]
            #expect(try await kraken.call("AddOrder", resting).errors == [])
            #expect(try await kraken.call("AddOrder", resting).errors == ["EOrder:Duplicate order"])
            let canceled = try await kraken.call("CancelOrder", ["cl_ord_id": "batch-7"])
            #expect(canceled.result?["count"] == .number("1"))
            #expect(try await kraken.call("CancelOrder", ["cl_ord_id": "batch-7"]).errors == ["EOrder:Unknown order"])
            #expect(try await kraken.call("AddOrder", resting).errors == [])
            #expect(simulator.orders(clientOrderID: "batch-7").map(\.status) == [.canceled, .open])
            #expect(simulator.placedOrderCount == 2)
            let closed = try await kraken.call("ClosedOrders", ["cl_ord_id": "batch-7"])
            #expect(closed.result?["closed"]?.simMembers.first?.value["reason"] == .string("User requested"))
        }
    }

    @Test("orders are found by txid or cl_ord_id, and canceled by txid or userref; canceling releases the hold")
    func queriesAndCancels() async throws {
        try await withSimulator(balances: ["USD": 1_000, "SOL": 10]) { (simulator, kraken) async throws in
            let buy = try await kraken.call(
                "AddOrder", ["pair": "SOLUSD", "type": "buy", "ordertype": "limit", "price": "100.00", "volume": "5", "userref": "42"])
            let buyID = try #require(buy.result?["txid"]?.simArray?.first?.simText)
            let sell = try await kraken.call(
                "AddOrder",
                ["pair": "SOL/USD", "type": "sell", "ordertype": "limit", "price": "200.00", "volume": "4", "cl_ord_id": "sell-sol"])
            let sellID = try #require(sell.result?["txid"]?.simArray?.first?.simText)
            let both = try await kraken.call("QueryOrders", ["txid": "\(buyID),\(sellID),OAAAAA-AAAAA-AAAAAA"])
            #expect(both.result?.simMembers.map(\.key) == [buyID, sellID])
            #expect(both.result?[buyID]?["userref"] == .number("42"))
            #expect(both.result?[buyID]?["descr"]?["order"] == .string("buy 5.00000000 SOLUSD @ limit 100.00"))
            #expect(try await kraken.call("QueryOrders", ["cl_ord_id": "sell-sol"]).result?.simMembers.map(\.key) == [sellID])
            #expect(try await kraken.call("OpenOrders", ["userref": "42"]).result?["open"]?.simMembers.map(\.key) == [buyID])
            #expect(try await kraken.call("BalanceEx").result?["SOL"]?["hold_trade"] == .string("4.0000000000"))

            #expect(try await kraken.call("CancelOrder", ["txid": "42"]).result?["count"] == .number("1"))
            #expect(try await kraken.call("CancelOrder", ["txid": sellID]).result?["count"] == .number("1"))
            #expect(try await kraken.call("CancelOrder", ["txid": sellID]).errors == ["EOrder:Unknown order"])
            #expect(simulator.orders.map(\.status) == [.canceled, .canceled])
            let extended = try await kraken.call("BalanceEx")
            #expect(extended.result?["ZUSD"]?["hold_trade"] == .string("0.0000"))
            #expect(extended.result?["SOL"]?["hold_trade"] == .string("0.0000000000"))
            #expect(try await kraken.call("ClosedOrders").result?["count"] == .number("2"))
        }
    }

    @Test("a JSON body is read as Kraken reads it, signed over its exact bytes; an oversized body gets the envelope")
    func jsonAndOversizedBodies() async throws {
        try await withSimulator(balances: ["USD": 1_000]) { (simulator, kraken) async throws in
            let body = #"{"nonce":"5000","pair":"XBTUSD","type":"buy","ordertype":"market","volume":"0.001"}"#
            #expect(try await kraken.call("AddOrder", rawBody: body, nonceText: "5000").errors == [])
            #expect(simulator.placedOrderCount == 1)
            let huge = "nonce=6000&pad=" + String(repeating: "x", count: 2 << 20)
            #expect(try await kraken.call("Balance", rawBody: huge).errors == ["EGeneral:Invalid arguments"])
        }
    }

    @Test("TradesHistory answers 50 trades a page, most recent first, with the total count; start is exclusive")
    func tradesHistoryPages() async throws {
        try await withSimulator(balances: ["USD": 100_000]) { (simulator, kraken) async throws in
            for _ in 0..<55 {
                _ = try await kraken.call("AddOrder", ["pair": "SOLUSD", "type": "buy", "ordertype": "market", "volume": "0.1"])
            }
            let first = try await kraken.call("TradesHistory")
            #expect(first.result?["count"] == .number("55"))
            #expect(first.result?["trades"]?.simMembers.count == 50)
            #expect(first.result?["trades"]?.simMembers.first?.key == simulator.fills.last?.txid)
            let second = try await kraken.call("TradesHistory", ["ofs": "50"])
            #expect(second.result?["trades"]?.simMembers.map(\.key) == simulator.fills.prefix(5).reversed().map(\.txid))
            let since = try await kraken.call("TradesHistory", ["start": simulator.fills[49].txid])
            #expect(since.result?["count"] == .number("5"))
            let time = try #require(first.result?["trades"]?.simMembers.last?.value["time"]?.simNumber)
            #expect(try await kraken.call("TradesHistory", ["start": time]).result?["count"] == .number("49"))
            #expect(try await kraken.call("TradesHistory", ["end": time]).result?["count"] == .number("6"))
        }
    }

    @Test("the public methods: AssetPairs with Kraken's names and rules, Ticker around the last price, Time")
    func publicMethods() async throws {
        try await withSimulator { (simulator, kraken) async throws in
            let pairs = try await kraken.publicCall("AssetPairs")
            #expect(pairs.result?.simMembers.map(\.key) == ["XXBTZUSD", "XETHZUSD", "SOLUSD"])
            let bitcoin = try #require(pairs.result?["XXBTZUSD"])
            #expect(bitcoin["altname"] == .string("XBTUSD"))
            #expect(bitcoin["wsname"] == .string("XBT/USD"))
            #expect(bitcoin["base"] == .string("XXBT"))
            #expect(bitcoin["quote"] == .string("ZUSD"))
            #expect(bitcoin["pair_decimals"] == .number("1"))
            #expect(bitcoin["lot_decimals"] == .number("8"))
            #expect(bitcoin["ordermin"] == .string("0.00005"))
            #expect(bitcoin["costmin"] == .string("0.5"))
            #expect(try await kraken.publicCall("AssetPairs", ["pair": "ETHUSD"]).result?.simMembers.map(\.key) == ["XETHZUSD"])
            #expect(try await kraken.publicCall("AssetPairs", ["pair": "NOPE"]).errors == ["EQuery:Unknown asset pair"])
            #expect(try await kraken.publicCall("AssetPairs", post: true).result?.simMembers.count == 3)

            try simulator.setLastPrice(61_234.5, pair: "XBTUSD")
            let ticker = try await kraken.publicCall("Ticker", ["pair": "XBTUSD"])
            #expect(ticker.result?["XXBTZUSD"]?["c"]?.simArray?.first == .string("61234.5"))
            #expect(ticker.result?["XXBTZUSD"]?["a"]?.simArray?.first == .string("61234.6"))
            #expect(ticker.result?["XXBTZUSD"]?["b"]?.simArray?.first == .string("61234.4"))
            let time = try await kraken.publicCall("Time")
            let unixtime = try #require(time.result?["unixtime"]?.simNumber.flatMap { Int($0) })
            #expect(abs(unixtime - Int(Date().timeIntervalSince1970)) < 5)
            #expect(time.result?["rfc1123"]?.simText?.hasSuffix("+0000") == true)
        }
    }

    @Test("bad requests get Kraken's error envelope: an unknown method, a body that is not a form, a missing nonce")
    func badRequests() async throws {
        try await withSimulator { (_, kraken) async throws in
            #expect(try await kraken.call("Withdraw").errors == ["EGeneral:Unknown method"])
            #expect(try await kraken.publicCall("Depth").errors == ["EGeneral:Unknown method"])
            #expect(try await kraken.call("Balance", rawBody: "nonce=%zz").errors == ["EGeneral:Invalid arguments"])
            #expect(try await kraken.call("Balance", rawBody: "").errors == ["EAPI:Invalid nonce"])
            #expect(try await kraken.call("Balance", rawBody: "nonce=abc").errors == ["EAPI:Invalid nonce"])
            #expect(try await kraken.call("QueryOrders").errors == ["EGeneral:Invalid arguments:txid"])
            #expect(try await kraken.call("TradesHistory", ["ofs": "-3"]).errors == ["EGeneral:Invalid arguments:ofs"])
        }
    }

    @Test("a credentials file is written with mode 0600 and read back; a file without a secret is refused by name")
    func credentialsFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kraken-\(UUID().uuidString).env").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let credential = KrakenSimulatorCredential.random()
        try credential.write(to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try KrakenSimulatorCredential.read(from: path) == credential)
        try Data("api_key=abc\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: KrakenSimulatorCredential.FileError.invalid(path: path, .missing("api_secret"))) {
            try KrakenSimulatorCredential.read(from: path)
        }
    }
}

/// Runs `body` with a simulator accepting `KrakenSimulatorTests.credential`, served on loopback, and a caller for it.
func withSimulator(
    balances: [String: Decimal] = [:], _ body: @Sendable (KrakenSimulator, KrakenTestCaller) async throws -> Void
) async throws {
    let simulator = KrakenSimulator(credentials: [KrakenSimulatorTests.credential], balances: balances)
    try await simulator.withRunning { baseURL in
        try await body(simulator, KrakenTestCaller(baseURL: baseURL, credential: KrakenSimulatorTests.credential))
    }
}

/// Calls Kraken's REST API the documented way: form-encoded bodies with an increasing nonce, `API-Key`, and `API-Sign`
/// = base64(HMAC-SHA512(base64-decoded secret, path + SHA256(nonce + body))).
final class KrakenTestCaller: Sendable {
    /// Kraken's answer: its `error` strings and its `result`.
    struct Answer: Sendable {
        var errors: [String]
        var result: JSONValue?
    }

    let baseURL: String
    let credential: KrakenSimulatorCredential
    private let lastNonce = Mutex<UInt64>(1_000)

    init(baseURL: String, credential: KrakenSimulatorCredential) {
        self.baseURL = baseURL
        self.credential = credential
    }

    func call(
        _ method: String, _ parameters: [String: String] = [:], nonce: UInt64? = nil, apiKey: String? = nil, secret: String? = nil,
        signedPath: String? = nil, rawBody: String? = nil, nonceText: String? = nil, timeout: TimeAmount = .seconds(10)
    ) async throws -> Answer {
        let nonce =
            nonce
            ?? lastNonce.withLock { last in
                last += 1
                return last
            }
        let body =
            rawBody
            ?? (["nonce=\(nonce)"] + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.encode($0.value))" })
            .joined(separator: "&")
        // A raw body is signed with the nonce it carries, or none, as a client sending it would sign it.
        let nonceText =
            nonceText ?? rawBody.map { body in
                body.split(separator: "&").first { $0.hasPrefix("nonce=") }.map { String($0.dropFirst(6)) } ?? ""
            }
            ?? "\(nonce)"
        let path = "/0/private/\(method)"
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "API-Key", value: apiKey ?? credential.apiKey)
        request.headers.add(
            name: "API-Sign",
            value: Self.signature(path: signedPath ?? path, nonce: nonceText, body: body, secret: secret ?? credential.secret))
        request.body = .bytes(ByteBuffer(string: body))
        return try await send(request, timeout: timeout)
    }

    func publicCall(
        _ method: String, _ parameters: [String: String] = [:], post: Bool = false, timeout: TimeAmount = .seconds(10)
    ) async throws -> Answer {
        let query = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.encode($0.value))" }.joined(separator: "&")
        var request = HTTPClientRequest(url: "\(baseURL)/0/public/\(method)" + (post || query.isEmpty ? "" : "?\(query)"))
        if post {
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: query))
        }
        return try await send(request, timeout: timeout)
    }

    func control(_ route: String, _ parameters: [String: String] = [:], get: Bool = false) async throws -> Answer {
        var request = HTTPClientRequest(url: "\(baseURL)/ballast/\(route)")
        if !get {
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: parameters.map { "\($0.key)=\(Self.encode($0.value))" }.joined(separator: "&")))
        }
        return try await send(request, timeout: .seconds(10))
    }

    private func send(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> Answer {
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 22)
        let json = try JSONValue(parsing: Array(body.readableBytesView))
        return Answer(errors: json["error"]?.simArray?.compactMap(\.simText) ?? [], result: json["result"])
    }

    static func signature(path: String, nonce: String, body: String, secret: String) -> String {
        let digest = SHA256.hash(data: Data((nonce + body).utf8))
        let message = Data(path.utf8) + Data(digest)
        let key = SymmetricKey(data: Data(base64Encoded: secret)!)
        return Data(HMAC<SHA512>.authenticationCode(for: message, using: key)).base64EncodedString()
    }

    private static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }
}

/// Reads of answers for these tests (the adapter's own reads are not used, so that the two are checked apart).
extension JSONValue {
    var simText: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var simNumber: String? {
        if case .number(let text) = self { return text }
        return nil
    }

    var simArray: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    var simMembers: [(key: String, value: JSONValue)] {
        if case .object(let members) = self { return members }
        return []
    }
}
