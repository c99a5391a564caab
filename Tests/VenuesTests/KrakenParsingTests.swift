import BallastCore
import BallastTrading
import Foundation
import Testing

@testable import BallastVenues

/// Answers in the shape Kraken's API reference gives for AssetPairs, TradesHistory and QueryOrders (values made up).
@Suite struct KrakenParsingTests {
    static let assetPairs = """
        {"error":[],"result":{
          "XXBTZUSD":{"altname":"XBTUSD","wsname":"XBT/USD","aclass_base":"currency","base":"XXBT","aclass_quote":"currency",
            "quote":"ZUSD","lot":"unit","cost_decimals":5,"pair_decimals":1,"lot_decimals":8,"lot_multiplier":1,
            "leverage_buy":[2,3,4,5],"leverage_sell":[2,3,4,5],"fees":[[0,0.4],[10000,0.35]],"fees_maker":[[0,0.25],[10000,0.2]],
            "fee_volume_currency":"ZUSD","margin_call":80,"margin_stop":40,"ordermin":"0.0001","costmin":"0.5","tick_size":"0.1",
            "status":"online"},
          "XXBTZUSD.d":{"altname":"XBTUSD.d","base":"XXBT","quote":"ZUSD","pair_decimals":1,"lot_decimals":8,"ordermin":"0.0001"},
          "XETHZEUR":{"altname":"ETHEUR","wsname":"ETH/EUR","base":"XETH","quote":"ZEUR","pair_decimals":2,"lot_decimals":8,
            "ordermin":"0.002","status":"online"},
          "SOLUSD":{"altname":"SOLUSD","wsname":"SOL/USD","base":"SOL","quote":"ZUSD","pair_decimals":2,"lot_decimals":8,
            "ordermin":"0.02","costmin":"0.5","status":"online"},
          "XDGUSD":{"altname":"XDGUSD","wsname":"XDG/USD","base":"XXDG","quote":"ZUSD","pair_decimals":7,"lot_decimals":8,
            "ordermin":"12.5","costmin":"0.5","status":"online"},
          "BROKEN":{"altname":"BROKEN","base":"XXBT","quote":"ZUSD","pair_decimals":"one","lot_decimals":8}
        }}
        """

    static func result(_ text: String) throws -> JSONValue {
        let json = try JSONValue(parsing: Array(text.utf8))
        return try #require(json["result"])
    }

    @Test func assetPairsBecomeRulesUnderBallastSymbols() throws {
        let pairs = KrakenAssetPair.parseAll(try Self.result(Self.assetPairs))
        #expect(pairs.map(\.symbol) == ["BTC-USD", "ETH-EUR", "SOL-USD", "DOGE-USD"])
        let bitcoin = try #require(pairs.first)
        #expect(
            bitcoin.rules
                == VenueSymbolRules(
                    symbol: "BTC-USD", venueSymbol: "XXBTZUSD", priceDecimals: 1, quantityDecimals: 8,
                    minimumQuantity: Decimal(string: "0.0001")!, minimumCost: Decimal(string: "0.5")!))
        #expect(bitcoin.altname == "XBTUSD" && bitcoin.wsname == "XBT/USD" && bitcoin.status == "online")
        // No costmin: no minimum cost.
        #expect(pairs[1].rules.minimumCost == nil)
        #expect(pairs[3].rules.minimumQuantity == Decimal(string: "12.5")!)
    }

    static let tradesHistory = """
        {"error":[],"result":{"trades":{
          "THVRQM-33VKH-UCI7BS":{"ordertxid":"OQCLML-BW3P3-BUCMWZ","postxid":"TKH2SE-M7IF5-CFI7LT","pair":"XXBTZUSD",
            "time":1688667796.8802,"type":"buy","ordertype":"limit","price":"30010.00000","cost":"600.20000","fee":"0.00000",
            "vol":"0.02000000","margin":"0.00000","misc":"","trade_id":40274859,"maker":true},
          "TCWJEG-FL4SZ-3FKGH6":{"ordertxid":"OQCLML-BW3P3-BUCMWZ","postxid":"TKH2SE-M7IF5-CFI7LT","pair":"XXBTZUSD",
            "time":1688667769.6396,"type":"sell","ordertype":"market","price":"30010.10000","cost":"300.10100","fee":"0.78026",
            "vol":"0.01000000","margin":"0.00000","misc":"","trade_id":40274858,"maker":false}
        },"count":2}}
        """

    @Test func tradesKeepExactAmountsAndTimes() throws {
        let result = try Self.result(Self.tradesHistory)
        let trades = try #require(result["trades"]).krakenMembers.compactMap { KrakenTrade(tradeID: $0.key, json: $0.value) }
        #expect(trades.count == 2)
        let first = trades[0].fill(symbol: "BTC-USD")
        #expect(
            first
                == VenueFill(
                    tradeID: "THVRQM-33VKH-UCI7BS", venueOrderID: "OQCLML-BW3P3-BUCMWZ", symbol: "BTC-USD", side: .buy,
                    price: Decimal(string: "30010")!, quantity: Decimal(string: "0.02")!, fee: 0,
                    cost: Decimal(string: "600.2")!, maker: true,
                    time: Date(timeIntervalSince1970: 1_688_667_796 + TimeInterval(880_200) / 1_000_000)))
        #expect(trades[1].side == .sell && !trades[1].maker && trades[1].fee == Decimal(string: "0.78026")!)
        #expect(trades[1].price == Decimal(string: "30010.1")! && trades[1].cost == Decimal(string: "300.101")!)
        #expect(result["count"]?.krakenInteger == 2)
    }

    @Test(arguments: [
        ("1688667796.8802", 1_688_667_796, 880_200),
        ("1688667796", 1_688_667_796, 0),
        ("1688667796.000001", 1_688_667_796, 1),
        ("0.5", 0, 500_000),
    ])
    func timesAreReadFromTheirDigits(text: String, seconds: Int64, micros: Int64) throws {
        let date = try #require(JSONValue.number(text).krakenDate)
        let expected = Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(micros) / 1_000_000)
        #expect(abs(date.timeIntervalSince(expected)) < 0.000_000_5)
    }

    @Test(arguments: ["-1", "abc", "1e400", ""])
    func unreadableTimesAreNil(text: String) {
        #expect(JSONValue.number(text).krakenDate == nil)
    }

    @Test func aTradeMissingAFieldIsLeftOut() throws {
        let json = try JSONValue(parsing: Array(#"{"ordertxid":"O1","pair":"XXBTZUSD","type":"buy","price":"1","time":1}"#.utf8))
        #expect(KrakenTrade(tradeID: "T1", json: json) == nil)
        let badPrice = try JSONValue(
            parsing: Array(#"{"ordertxid":"O1","pair":"XXBTZUSD","type":"buy","price":"1,5","vol":"1","time":1}"#.utf8))
        #expect(KrakenTrade(tradeID: "T1", json: badPrice) == nil)
    }

    static let queryOrders = """
        {"error":[],"result":{
          "OBCMZD-JIEE7-77TH3F":{"refid":null,"userref":0,"cl_ord_id":"6d8e3c1a-6f38-4c8f-9c38-2b1f3f0f5a11","status":"closed",
            "reason":null,"opentm":1688665496.7808,"closetm":1688665499.1922,"starttm":0,"expiretm":0,
            "descr":{"pair":"XBTUSD","type":"buy","ordertype":"market","price":"0","price2":"0","leverage":"none",
              "order":"buy 0.25000000 XBTUSD @ market","close":""},
            "vol":"0.25000000","vol_exec":"0.25000000","cost":"7500.00000","fee":"19.50000","price":"30000.0",
            "stopprice":"0.00000","limitprice":"0.00000","misc":"","oflags":"fciq","trades":["TZX2WP-XSEOP-FP7WYR"]},
          "OMMDB2-FSB6Z-7W3HPO":{"refid":null,"userref":0,"status":"canceled","reason":"User requested",
            "opentm":1688148493.7708,"closetm":1688148610.0482,"starttm":0,"expiretm":0,
            "descr":{"pair":"XBTUSD","type":"sell","ordertype":"limit","price":"35000.0","price2":"0","leverage":"none",
              "order":"sell 0.10000000 XBTUSD @ limit 35000.0","close":""},
            "vol":"0.10000000","vol_exec":"0.04000000","cost":"1400.00000","fee":"3.64000","price":"35000.0",
            "stopprice":"0.00000","limitprice":"0.00000","misc":"","oflags":"fciq"},
          "OFUTURE-XXXXX-XXXXXX":{"status":"triggered","vol_exec":"0"}
        }}
        """

    @Test func ordersReadTheirStatusFillAndClientID() throws {
        let states = KrakenOrderInfo.states(in: try Self.result(Self.queryOrders))
        #expect(
            states == [
                VenueOrderState(
                    venueOrderID: "OBCMZD-JIEE7-77TH3F", clientOrderID: "6d8e3c1a-6f38-4c8f-9c38-2b1f3f0f5a11", status: .closed,
                    filledQuantity: Decimal(string: "0.25")!),
                VenueOrderState(
                    venueOrderID: "OMMDB2-FSB6Z-7W3HPO", clientOrderID: nil, status: .canceled,
                    filledQuantity: Decimal(string: "0.04")!, reason: "User requested"),
            ])
    }

    @Test func formBodiesEscapeAllButUnreservedCharacters() {
        #expect(
            KrakenForm.encode([("nonce", "1"), ("txid", "OA-1,OB-2"), ("cl_ord_id", "6d8e3c1a-6f38"), ("note", "a b&c=d/é")])
                == "nonce=1&txid=OA-1%2COB-2&cl_ord_id=6d8e3c1a-6f38&note=a%20b%26c%3Dd%2F%C3%A9")
    }
}
