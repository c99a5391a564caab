import BallastCore
import BallastService
import Foundation
import Testing

@testable import Ingest

/// The seed's signals (a `direction` without an `action`) and the TradersPost bridge format (`sentiment`,
/// exits as objects, `signalPrice`, `time`, `interval`), as `SignalParser` reads them (issue 15).
@Suite("Parsing the seed's and the TradersPost bridge's signal forms")
struct SignalParserBridgeTests {
    /// 2025-11-25T10:00:00Z, the time of receipt.
    static let receipt = Date(timeIntervalSince1970: 1_764_064_800)

    static func parse(_ json: String) throws(ProblemDetails) -> SignalInput {
        // Test inputs are valid JSON; the parser under test is the signal parser.
        try SignalParser.parse(try! JSONValue(parsing: Array(json.utf8)), now: receipt)
    }

    /// A market buy of BTC-USD with `fields` added.
    static func buy(_ fields: String) throws(ProblemDetails) -> SignalInput {
        try parse(#"{"symbol":"BTC-USD","action":"buy","quantity":"1",\#(fields)}"#)
    }

    /// The problems of a body that must be refused, or nil (recorded) when it parses.
    static func refusal(_ json: String) -> [ProblemDetails.InvalidParameter]? {
        do {
            let signal = try parse(json)
            Issue.record("expected a 400 for \(json), got a \(signal.action.rawValue) of \(signal.symbol)")
            return nil
        } catch {
            #expect(error.status == 400)
            return error.invalidParams ?? []
        }
    }

    // MARK: - direction and action

    @Test(
        "the seed's signal: a direction alone is a signal (long buys, short sells, call and put buy the option)",
        arguments: [
            ("long", SignalInput.Action.buy, SignalInput.Direction.long),
            ("short", .sell, .short),
            ("CALL", .buy, .call),
            ("PUT", .buy, .put),
            ("Long", .buy, .long),
        ]
    )
    func directionAlone(direction: String, action: SignalInput.Action, kept: SignalInput.Direction) throws {
        let signal = try Self.parse(
            #"{"symbol":"SPY","direction":"\#(direction)","timeframe":"5m","timestamp":"2026-02-05T12:00:00Z"}"#)
        #expect(signal.action == action)
        #expect(signal.direction == kept)
        #expect(signal.symbol == "SPY")
        #expect(signal.timeframe == "5m")
        #expect(signal.timestamp == RFC3339.date(from: "2026-02-05T12:00:00Z"))
        #expect(signal.extra.isEmpty)
    }

    @Test(
        "neither action nor direction is a 400 naming action alone",
        arguments: [
            #"{"symbol":"SPY","timeframe":"5m"}"#,
            #"{"symbol":"SPY","action":null,"direction":null}"#,
            #"{"symbol":"SPY","sentiment":"long"}"#,
        ]
    )
    func neitherActionNorDirection(json: String) {
        let problems = Self.refusal(json)
        #expect(problems?.map(\.name) == ["action"])
        #expect(problems?.first?.reason == "is required (buy, sell, exit, cancel or add), unless a direction is given")
    }

    @Test("a bad direction without an action is named alone, with the accepted directions; action is not also required")
    func badDirectionAlone() {
        let problems = Self.refusal(#"{"symbol":"SPY","direction":"up"}"#)
        #expect(problems?.map(\.name) == ["direction"])
        #expect(problems?.map(\.reason) == ["'up' is not one of long, short, call, put"])
    }

    @Test(
        "with both, the action decides and the direction is kept: a sell of a long reduces it, it is not a contradiction",
        arguments: [
            ("sell", "long", SignalInput.Action.sell, SignalInput.Direction.long),
            ("buy", "short", .buy, .short),
            ("SELL", "LONG", .sell, .long),
            ("exit", "long", .exit, .long),
            ("add", "short", .add, .short),
            ("cancel", "call", .cancel, .call),
        ]
    )
    func actionAndDirection(action: String, direction: String, parsed: SignalInput.Action, kept: SignalInput.Direction) throws {
        let signal = try Self.parse(#"{"symbol":"BTC-USD","action":"\#(action)","direction":"\#(direction)"}"#)
        #expect(signal.action == parsed)
        #expect(signal.direction == kept)
    }

    @Test(
        "the bridge's actions parse without a direction",
        arguments: [("exit", SignalInput.Action.exit), ("Cancel", .cancel), ("ADD", .add)]
    )
    func bridgeActions(action: String, parsed: SignalInput.Action) throws {
        let signal = try Self.parse(#"{"ticker":"COINBASE:BTCUSD","action":"\#(action)"}"#)
        #expect(signal.action == parsed)
        #expect(signal.direction == nil)
        #expect(signal.symbol == "BTCUSD")
        #expect(signal.exchange == "COINBASE")
    }

    // MARK: - sentiment

    @Test(
        "sentiment: bullish reads as long, bearish as short, flat, long and short as they are, in any case",
        arguments: [
            ("bullish", SignalInput.Sentiment.long), ("BULLISH", .long), ("bearish", .short), ("Bearish", .short),
            ("flat", .flat), ("FLAT", .flat), ("long", .long), ("short", .short),
        ]
    )
    func sentiment(sent: String, parsed: SignalInput.Sentiment) throws {
        #expect(try Self.buy(#""sentiment":"\#(sent)""#).sentiment == parsed)
    }

    @Test("a sentiment that is not one of the accepted values names sentiment and lists them, aliases included")
    func unknownSentiment() {
        let problems = Self.refusal(#"{"symbol":"BTC-USD","action":"buy","sentiment":"neutral"}"#)
        #expect(problems?.map(\.name) == ["sentiment"])
        #expect(problems?.map(\.reason) == ["'neutral' is not one of long, short, flat, bearish, bullish"])
    }

    @Test(
        "a sentiment that contradicts the direction is a 400 naming both fields",
        arguments: [
            (#""direction":"long","sentiment":"bearish""#, "short", "long"),
            (#""direction":"long","sentiment":"short""#, "short", "long"),
            (#""direction":"short","sentiment":"bullish""#, "long", "short"),
            (#""action":"buy","direction":"short","sentiment":"long""#, "long", "short"),
        ]
    )
    func sentimentContradictsDirection(fields: String, sentiment: String, direction: String) {
        let problems = Self.refusal(#"{"symbol":"SPY",\#(fields)}"#)
        #expect(problems?.map(\.name) == ["sentiment", "direction"])
        #expect(
            problems?.map(\.reason) == [
                "'\(sentiment)' contradicts direction '\(direction)'", "'\(direction)' contradicts sentiment '\(sentiment)'",
            ])
    }

    @Test(
        "an exit with a sentiment other than flat is a 400 naming sentiment",
        arguments: [(#""sentiment":"long""#, "long"), (#""sentiment":"bearish""#, "short"), (#""sentiment":"Short""#, "short")]
    )
    func exitWithSentiment(fields: String, sentiment: String) {
        let problems = Self.refusal(#"{"symbol":"BTC-USD","action":"exit",\#(fields)}"#)
        #expect(problems?.map(\.name) == ["sentiment"])
        #expect(problems?.map(\.reason) == ["an exit leaves the position flat, not '\(sentiment)'"])
    }

    @Test(
        "sentiments that agree with the action and direction parse",
        arguments: [
            (#""action":"exit","sentiment":"flat""#, SignalInput.Sentiment.flat),
            (#""direction":"long","sentiment":"flat""#, .flat),
            (#""direction":"long","sentiment":"bullish""#, .long),
            (#""direction":"short","sentiment":"bearish""#, .short),
            // A partial sell of a long leaves it long; the processor checks the position that results.
            (#""action":"sell","sentiment":"long""#, .long),
        ]
    )
    func agreeingSentiment(fields: String, parsed: SignalInput.Sentiment) throws {
        #expect(try Self.parse(#"{"symbol":"BTC-USD",\#(fields)}"#).sentiment == parsed)
    }

    // MARK: - stop loss and take profit

    /// The exit fields of a parsed signal.
    struct Exits: Equatable, CustomStringConvertible {
        var stopLoss: Decimal?
        var takeProfit: Decimal?
        var stopLossPercent: Decimal?
        var stopLossAmount: Decimal?
        var takeProfitPercent: Decimal?
        var takeProfitAmount: Decimal?
        var trailingStopPercent: Decimal?

        init(
            stopLoss: String? = nil, takeProfit: String? = nil, stopLossPercent: String? = nil, stopLossAmount: String? = nil,
            takeProfitPercent: String? = nil, takeProfitAmount: String? = nil, trailingStopPercent: String? = nil
        ) {
            func number(_ text: String?) -> Decimal? { text.map { Decimal(string: $0)! } }
            self.stopLoss = number(stopLoss)
            self.takeProfit = number(takeProfit)
            self.stopLossPercent = number(stopLossPercent)
            self.stopLossAmount = number(stopLossAmount)
            self.takeProfitPercent = number(takeProfitPercent)
            self.takeProfitAmount = number(takeProfitAmount)
            self.trailingStopPercent = number(trailingStopPercent)
        }

        init(_ signal: SignalInput) {
            stopLoss = signal.stopLoss
            takeProfit = signal.takeProfit
            stopLossPercent = signal.stopLossPercent
            stopLossAmount = signal.stopLossAmount
            takeProfitPercent = signal.takeProfitPercent
            takeProfitAmount = signal.takeProfitAmount
            trailingStopPercent = signal.trailingStopPercent
        }

        var description: String {
            let fields: [(String, Decimal?)] = [
                ("stopLoss", stopLoss), ("takeProfit", takeProfit), ("stopLossPercent", stopLossPercent),
                ("stopLossAmount", stopLossAmount), ("takeProfitPercent", takeProfitPercent),
                ("takeProfitAmount", takeProfitAmount), ("trailingStopPercent", trailingStopPercent),
            ]
            return fields.compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: " ")
        }
    }

    @Test(
        "stop loss and take profit forms: a number, a string, or an object giving a price, a percent, an amount or a trailing percent",
        arguments: [
            (#""stopLoss":95000"#, Exits(stopLoss: "95000")),
            (#""stopLoss":"95000.50""#, Exits(stopLoss: "95000.5")),
            (#""stopLoss":{"price":95000}"#, Exits(stopLoss: "95000")),
            (#""stopLoss":{"stopPrice":"94999.99"}"#, Exits(stopLoss: "94999.99")),
            (#""stopLoss":{"type":"stop","stopPrice":95000}"#, Exits(stopLoss: "95000")),
            (#""stopLoss":{"type":"STOP","price":95000}"#, Exits(stopLoss: "95000")),
            (#""stopLoss":{"percent":5}"#, Exits(stopLossPercent: "5")),
            (#""stopLoss":{"percent":"0.25","amount":null}"#, Exits(stopLossPercent: "0.25")),
            (#""stopLoss":{"amount":250}"#, Exits(stopLossAmount: "250")),
            (#""stopLoss":{"amount":"12.5"}"#, Exits(stopLossAmount: "12.5")),
            (#""stopLoss":{"type":"trailing_stop","trailPercent":2}"#, Exits(trailingStopPercent: "2")),
            (#""stopLoss":{"type":"Trailing_Stop","trailPercent":"0.5"}"#, Exits(trailingStopPercent: "0.5")),
            (#""stopLoss":{"type":"trailing_stop","percent":"1.5"}"#, Exits(trailingStopPercent: "1.5")),
            (#""stopLoss":null,"takeProfit":null"#, Exits()),
            (#""takeProfit":99000.25"#, Exits(takeProfit: "99000.25")),
            (#""takeProfit":"99000""#, Exits(takeProfit: "99000")),
            (#""takeProfit":{"price":99000}"#, Exits(takeProfit: "99000")),
            (#""takeProfit":{"limitPrice":"99000.5"}"#, Exits(takeProfit: "99000.5")),
            (#""takeProfit":{"percent":10}"#, Exits(takeProfitPercent: "10")),
            // A take profit may be more than the entry price away; only a stop loss is bounded by it.
            (#""takeProfit":{"percent":150}"#, Exits(takeProfitPercent: "150")),
            (#""takeProfit":{"amount":"0.5"}"#, Exits(takeProfitAmount: "0.5")),
            (#""stopLoss":{"percent":2},"takeProfit":{"amount":300}"#, Exits(stopLossPercent: "2", takeProfitAmount: "300")),
            (
                #""stopLoss":{"type":"trailing_stop","trailPercent":3},"takeProfit":{"percent":"7.5"}"#,
                Exits(takeProfitPercent: "7.5", trailingStopPercent: "3")
            ),
        ]
    )
    func exitForms(fields: String, exits: Exits) throws {
        #expect(Exits(try Self.buy(fields)) == exits)
    }

    @Test(
        "exits that cannot be honoured are a 400 naming the field, with the reason",
        arguments: [
            (
                #""stopLoss":{"type":"stop_limit","stopPrice":95000,"limitPrice":94900}"#, "stopLoss.type",
                "stop_limit is not supported: a paper stop fills at the market once reached; send stop or trailing_stop"
            ),
            (#""stopLoss":{"type":"limit","price":95000}"#, "stopLoss.type", "must be stop or trailing_stop"),
            (#""stopLoss":{"type":5,"price":95000}"#, "stopLoss.type", "must be stop or trailing_stop"),
            (#""stopLoss":{"type":"trailing_stop","trailAmount":100}"#, "stopLoss.trailAmount", "is not supported: send trailPercent"),
            (#""stopLoss":{"type":"trailing_stop"}"#, "stopLoss.trailPercent", "is required for a trailing_stop"),
            (#""stopLoss":{"type":"trailing_stop","trailPercent":100}"#, "stopLoss.trailPercent", "must be less than 100"),
            (#""stopLoss":{"type":"trailing_stop","trailPercent":0}"#, "stopLoss.trailPercent", "must be greater than 0"),
            (#""stopLoss":{"foo":1}"#, "stopLoss.foo", "is not a field of stopLoss"),
            (#""stopLoss":{"price":95000,"foo":1}"#, "stopLoss.foo", "is not a field of stopLoss"),
            (#""takeProfit":{"stopPrice":99000}"#, "takeProfit.stopPrice", "is not a field of takeProfit"),
            (#""takeProfit":{"type":"stop","price":99000}"#, "takeProfit.type", "is not a field of takeProfit"),
            (#""takeProfit":{"trailPercent":2}"#, "takeProfit.trailPercent", "is not a field of takeProfit"),
            (#""stopLoss":{"percent":5,"amount":250}"#, "stopLoss", "give exactly one of percent, amount, price, stopPrice"),
            (#""stopLoss":{"price":95000,"stopPrice":95000}"#, "stopLoss", "give exactly one of percent, amount, price, stopPrice"),
            (#""stopLoss":{"percent":5,"price":95000}"#, "stopLoss", "give exactly one of percent, amount, price, stopPrice"),
            (#""stopLoss":{}"#, "stopLoss", "give exactly one of percent, amount, price, stopPrice"),
            (#""stopLoss":{"price":null}"#, "stopLoss", "give exactly one of percent, amount, price, stopPrice"),
            (#""takeProfit":{"percent":5,"limitPrice":99000}"#, "takeProfit", "give exactly one of percent, amount, price, limitPrice"),
            (#""takeProfit":{}"#, "takeProfit", "give exactly one of percent, amount, price, limitPrice"),
            (#""stopLoss":{"percent":100}"#, "stopLoss.percent", "must be less than 100"),
            (#""stopLoss":{"percent":"100.5"}"#, "stopLoss.percent", "must be less than 100"),
            (#""stopLoss":{"percent":0}"#, "stopLoss.percent", "must be greater than 0"),
            (#""stopLoss":{"amount":"-5"}"#, "stopLoss.amount", "must be greater than 0"),
            (#""stopLoss":{"price":"abc"}"#, "stopLoss.price", "'abc' is not a decimal number"),
            (#""takeProfit":{"percent":true}"#, "takeProfit.percent", "must be a number"),
            (
                #""stopLoss":{"type":"stop","limitPrice":94900}"#, "stopLoss.limitPrice",
                "is accepted only with type stop_limit, which is not supported"
            ),
            (
                #""stopLoss":{"type":"trailing_stop","trailPercent":2},"trailingStopPercent":"2""#, "trailingStopPercent",
                "is given twice: here and as a trailing_stop stopLoss"
            ),
            (#""stopLoss":[95000]"#, "stopLoss", "must be a number"),
            (#""takeProfit":true"#, "takeProfit", "must be a number"),
        ]
    )
    func refusedExits(fields: String, name: String, reason: String) {
        let problems = Self.refusal(#"{"symbol":"BTC-USD","action":"buy",\#(fields)}"#)
        #expect(problems?.map(\.name) == [name])
        #expect(problems?.map(\.reason) == [reason])
    }

    @Test(
        "an exit object's field that its type does not use is refused by name, never dropped",
        arguments: [
            (#""type":"trailing_stop","trailPercent":2,"stopPrice":95000"#, "stopLoss.stopPrice", "trailPercent"),
            (#""type":"trailing_stop","trailPercent":2,"price":95000"#, "stopLoss.price", "trailPercent"),
            (#""type":"trailing_stop","trailPercent":2,"amount":100"#, "stopLoss.amount", "trailPercent"),
            (#""type":"trailing_stop","trailPercent":2,"percent":5"#, "stopLoss.percent", "trailPercent"),
            (#""type":"trailing_stop","percent":2,"limitPrice":94900"#, "stopLoss.limitPrice", "percent"),
        ]
    )
    func trailingStopWithALevel(fields: String, name: String, trailsBy: String) {
        let problems = Self.refusal(#"{"symbol":"BTC-USD","action":"buy","stopLoss":{\#(fields)}}"#)
        #expect(problems?.map(\.name) == [name])
        #expect(problems?.map(\.reason) == ["is not accepted with a trailing_stop, which trails by \(trailsBy) alone"])
    }

    @Test(
        "a trail beside a fixed or relative stop is refused by name, never dropped",
        arguments: [
            (#""price":95000,"trailPercent":2"#, "stopLoss.trailPercent"),
            (#""type":"stop","percent":5,"trailPercent":2"#, "stopLoss.trailPercent"),
            (#""amount":250,"trailAmount":10"#, "stopLoss.trailAmount"),
        ]
    )
    func trailWithoutTrailingStop(fields: String, name: String) {
        let problems = Self.refusal(#"{"symbol":"BTC-USD","action":"buy","stopLoss":{\#(fields)}}"#)
        #expect(problems?.map(\.name) == [name])
        #expect(problems?.map(\.reason) == ["is accepted only with type trailing_stop"])
    }

    @Test("a stop loss and a take profit that are both bad are both named")
    func bothExitsBad() {
        let problems = Self.refusal(
            #"{"symbol":"BTC-USD","action":"buy","stopLoss":{"type":"stop_limit"},"takeProfit":{"percent":1,"amount":2}}"#)
        #expect(problems?.map(\.name) == ["stopLoss.type", "takeProfit"])
    }

    // MARK: - signalPrice, time, interval

    @Test(
        "signalPrice is a market order's price when price is absent, and nothing else",
        arguments: [
            (#""signalPrice":97000.5"#, "97000.5"),
            (#""signalPrice":"97000.5""#, "97000.5"),
            (#""orderType":"market","signalPrice":97000"#, "97000"),
            (#""price":96000,"signalPrice":97000"#, "96000"),
            (#""signalPrice":97000,"price":"96000""#, "96000"),
            (#""orderType":"limit","price":96000,"signalPrice":97000"#, "96000"),
        ]
    )
    func signalPrice(fields: String, price: String) throws {
        let signal = try Self.buy(fields)
        #expect(signal.price == Decimal(string: price))
        #expect(signal.extra.isEmpty)
    }

    @Test("a limit order does not take its price from signalPrice: price is still required")
    func limitWithoutPrice() {
        let problems = Self.refusal(#"{"symbol":"BTC-USD","action":"buy","orderType":"limit","signalPrice":97000}"#)
        #expect(problems?.map(\.name) == ["price"])
        #expect(problems?.map(\.reason) == ["is required for a limit order"])
    }

    @Test("a bad signalPrice is named as signalPrice")
    func badSignalPrice() {
        let problems = Self.refusal(#"{"symbol":"BTC-USD","action":"buy","signalPrice":"abc"}"#)
        #expect(problems?.map(\.name) == ["signalPrice"])
        #expect(problems?.map(\.reason) == ["'abc' is not a decimal number"])
    }

    @Test(
        "time is the timestamp when timestamp is absent; timestamp wins when both are given",
        arguments: [
            (#""time":"2026-11-25T10:00:00Z""#, "2026-11-25T10:00:00Z"),
            (#""time":1764064800123"#, "2025-11-25T10:00:00.123Z"),
            (#""time":"1764064800123""#, "2025-11-25T10:00:00.123Z"),
            (#""timestamp":null,"time":"2026-11-25T10:00:00+01:00""#, "2026-11-25T09:00:00Z"),
            (#""timestamp":"2026-01-01T00:00:00Z","time":"2026-11-25T10:00:00Z""#, "2026-01-01T00:00:00Z"),
        ]
    )
    func time(fields: String, timestamp: String) throws {
        let signal = try Self.buy(fields)
        #expect(signal.timestamp == RFC3339.date(from: timestamp))
        #expect(signal.extra.isEmpty)
    }

    @Test(
        "a bad time is named as time (not timestamp)",
        arguments: [
            (#""time":"yesterday""#, "expected RFC 3339 or epoch milliseconds, got 'yesterday'"),
            (#""time":true"#, "expected RFC 3339 or epoch milliseconds"),
            (#""timestamp":null,"time":"-5""#, "expected RFC 3339 or epoch milliseconds, got '-5'"),
        ]
    )
    func badTime(fields: String, reason: String) {
        let problems = Self.refusal(#"{"symbol":"BTC-USD","action":"buy",\#(fields)}"#)
        #expect(problems?.map(\.name) == ["time"])
        #expect(problems?.map(\.reason) == [reason])
    }

    @Test(
        "interval is the timeframe when timeframe is absent",
        arguments: [
            (#""interval":"5""#, "5"), (#""interval":15"#, "15"), (#""interval":"1D""#, "1D"),
            (#""timeframe":"5m","interval":"15""#, "5m"),
        ]
    )
    func interval(fields: String, timeframe: String) throws {
        let signal = try Self.buy(fields)
        #expect(signal.timeframe == timeframe)
        #expect(signal.extra.isEmpty)
    }

    // MARK: - choices

    @Test(
        "a value that is not one of a field's choices names the field and lists the accepted values",
        arguments: [
            (#""action":"hold""#, "action", "'hold' is not one of buy, sell, exit, cancel, add"),
            (#""action":"close""#, "action", "'close' is not one of buy, sell, exit, cancel, add"),
            (#""action":"buy","direction":"up""#, "direction", "'up' is not one of long, short, call, put"),
            (#""action":"buy","sentiment":"neutral""#, "sentiment", "'neutral' is not one of long, short, flat, bearish, bullish"),
            (#""action":"buy","orderType":"stop""#, "orderType", "'stop' is not one of market, limit"),
            (#""action":"buy","timeInForce":"fok""#, "timeInForce", "'fok' is not one of gtc, ioc, day, gtd"),
        ]
    )
    func choiceErrors(fields: String, name: String, reason: String) {
        let problems = Self.refusal(#"{"symbol":"BTC-USD",\#(fields)}"#)
        #expect(problems?.map(\.name) == [name])
        #expect(problems?.map(\.reason) == [reason])
    }

    // MARK: - fingerprint

    @Test(
        "a signal without the bridge fields keeps the fingerprint it had before them",
        arguments: [
            (#"{"symbol":"BTC-USD","action":"buy","quantity":"1"}"#, "|BTC-USD|buy||1||market||||||"),
            (#"{"symbol":"SPY","direction":"long","timeframe":"5m","timestamp":"2026-02-05T12:00:00Z"}"#, "|SPY|buy|long|||market|||5m|||"),
            (
                #"{"ticker":"BINANCE:BTCUSDT","action":"sell","direction":"long","size":"0.50","orderType":"limit","price":97000,"stopLoss":95000,"takeProfit":"99000","timeframe":"1h","strategy":"ema","timeInForce":"gtc","trailingStopPercent":"2.5"}"#,
                "BINANCE|BTCUSDT|sell|long|0.5|97000|limit|95000|99000|1h|||ema|gtc||2.5"
            ),
            // The same content in the bridge's forms: a stop loss object giving a price, interval, time.
            (
                #"{"symbol":"BTC-USD","action":"buy","quantity":"1","stopLoss":{"stopPrice":95000},"takeProfit":{"limitPrice":99000},"interval":"5","time":"2026-02-05T12:00:00Z"}"#,
                "|BTC-USD|buy||1||market|95000|99000|5|||"
            ),
            (#"{"symbol":"BTC-USD","action":"buy","quantity":"1","signalPrice":97000}"#, "|BTC-USD|buy||1|97000|market||||||"),
        ]
    )
    func fingerprintWithoutBridgeFields(json: String, before: String) throws {
        let signal = try Self.parse(json)
        #expect(signal.fingerprint == before)
        // The same fields through the static function, with no bridge fields, as ingest computes it from a document.
        let recomputed = SignalInput.fingerprint(
            exchange: signal.exchange, symbol: signal.symbol, action: signal.action.rawValue, direction: signal.direction?.rawValue,
            quantity: signal.quantity.map { "\($0)" }, price: signal.price.map { "\($0)" }, orderType: signal.orderType.rawValue,
            stopLoss: signal.stopLoss.map { "\($0)" }, takeProfit: signal.takeProfit.map { "\($0)" }, timeframe: signal.timeframe,
            strike: nil, expiration: nil, strategy: signal.strategy, timeInForce: signal.timeInForce?.rawValue, expiresAt: nil,
            trailingStopPercent: signal.trailingStopPercent.map { "\($0)" }, sentiment: nil, relativeExits: [nil, nil, nil, nil]
        )
        #expect(recomputed == before)
    }

    @Test("sentiment and each relative exit change the fingerprint; equal values in other forms do not")
    func bridgeFieldsFingerprint() throws {
        let plain = try Self.buy(#""strategy":"s""#).fingerprint
        let variants = [
            #""sentiment":"long""#, #""sentiment":"short""#, #""sentiment":"flat""#,
            #""stopLoss":{"percent":5}"#, #""stopLoss":{"amount":5}"#, #""takeProfit":{"percent":5}"#, #""takeProfit":{"amount":5}"#,
            #""stopLoss":{"percent":6}"#, #""stopLoss":5"#, #""stopLoss":{"type":"trailing_stop","trailPercent":5}"#,
        ]
        let fingerprints = try variants.map { try Self.buy(#"\#($0),"strategy":"s""#).fingerprint }
        #expect(Set(fingerprints + [plain]).count == variants.count + 1, "\(fingerprints)")
        #expect(fingerprints[0] == "|BTC-USD|buy||1||market||||||s|long||||")
        #expect(fingerprints[3] == "|BTC-USD|buy||1||market||||||s||5|||")

        let same: [(String, String)] = [
            (#""sentiment":"bullish""#, #""sentiment":"long""#),
            (#""sentiment":"BEARISH""#, #""sentiment":"short""#),
            (#""stopLoss":{"percent":"5.0"}"#, #""stopLoss":{"percent":5}"#),
            (#""takeProfit":{"amount":"250.00"}"#, #""takeProfit":{"amount":250}"#),
            (#""stopLoss":{"price":95000}"#, #""stopLoss":95000"#),
            (#""stopLoss":{"type":"trailing_stop","trailPercent":2}"#, #""trailingStopPercent":"2""#),
        ]
        for (one, other) in same {
            #expect(try Self.buy(one).fingerprint == Self.buy(other).fingerprint, "\(one) and \(other)")
        }
    }

    @Test("the stored document carries the bridge fields as decimal strings, with the signal's own fingerprint")
    func document() throws {
        let signal = try Self.parse(
            #"{"ticker":"COINBASE:BTCUSD","action":"sell","sentiment":"bearish","quantity":"0.010","signalPrice":"97000.50","stopLoss":{"percent":"1.50"},"takeProfit":{"amount":1200},"interval":"15","time":"2026-11-25T10:00:00Z"}"#
        )
        let source = SignalSource(id: UUID(), userID: UUID(), name: "n", secret: Secret("s"), isDefault: false)
        let document = SignalDocument(id: UUID(), source: source, signal: signal, receivedAt: Self.receipt)
        #expect(document.action == "sell")
        #expect(document.sentiment == "short")
        #expect(document.price == "97000.5")
        #expect(document.quantity == "0.01")
        #expect(document.stopLossPercent == "1.5")
        #expect(document.stopLossAmount == nil)
        #expect(document.takeProfitPercent == nil)
        #expect(document.takeProfitAmount == "1200")
        #expect(document.stopLoss == nil && document.takeProfit == nil)
        #expect(document.timeframe == "15")
        #expect(document.timestamp == RFC3339.date(from: "2026-11-25T10:00:00Z"))
        #expect(document.fingerprint == signal.fingerprint)
        #expect(document.fingerprint == "COINBASE|BTCUSD|sell||0.01|97000.5|market|||15||||short|1.5|||1200")
        let json = try JSONValue(parsing: Array(document.jsonText.utf8))
        #expect(json["sentiment"] == .string("short"))
        #expect(json["stopLossPercent"] == .string("1.5"))
        #expect(json["takeProfitAmount"] == .string("1200"))
        #expect(json["stopLossAmount"] == nil && json["takeProfitPercent"] == nil)
    }
}
