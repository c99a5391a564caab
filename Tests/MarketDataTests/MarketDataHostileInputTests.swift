import BallastCore
import BallastRedis
import BallastTestSupport
import Foundation
import PropertyBased
import Testing

@testable import BallastMarket

/// Market-data's readers of outside input (trade files, trade messages), fed thousands of random and
/// hostile values: each answers with a valid trade or says why there is none.
@Suite("Market-data readers answer hostile input")
struct MarketDataHostileInputTests {
    static let validFields = ["1764064800123", "BTC-USD", "97000.5", "0.012", "buy", "81234"]

    /// A CSV line: six fields, each valid or hostile; sometimes too few or too many fields.
    static let lines = Generator<String, Shrink.None<String>> { rng in
        var fields = validFields.map { Int.random(in: 0..<3, using: &rng) == 0 ? HostileText.generator.run(using: &rng) : $0 }
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: fields.removeLast(Int.random(in: 1...6, using: &rng))
        case 1: fields.append(HostileText.generator.run(using: &rng))
        default: break
        }
        return fields.joined(separator: Bool.random(using: &rng) ? "," : " , ")
    }

    static func isValid(_ trade: Trade) -> Bool {
        MarketSymbol.normalized(trade.symbol) == trade.symbol && trade.price.isPositive && trade.quantity.isPositive
            && isValid(trade.id) && Trade.supportedTimes.contains(trade.time)
    }

    /// 1 to 64 visible ASCII characters, and the same id when read again from its text.
    static func isValid(_ id: TradeID) -> Bool {
        let text = id.description
        return (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { (0x21...0x7E).contains($0) } && (try? TradeID(text)) == id
    }

    @Test("CSV lines: a valid trade that publishes and reads back, or the reason with its line number")
    func csvLinesAnswer() async {
        await propertyCheck(count: 4_000, input: Self.lines) { line in
            // A hostile field may hold quotes and line breaks: the line may read as several records, or as one that
            // runs to the end of the file.
            for read in try TradeFileReader.lines(of: TradeCSV.header + "\n" + line) {
                #expect(read.number >= 2)
                switch read.trade {
                case .success(let trade):
                    #expect(Self.isValid(trade))
                    let published = try TradeMessage.trade(from: TradeMessage.envelope(for: trade))
                    #expect(published == trade)
                case .failure(let error):
                    #expect(!error.description.isEmpty)
                }
            }
        }
    }

    /// A trade id as a venue or an attacker may send it: digits, Kraken- and UUID-style ids, or hostile text.
    static let ids = Generator<String, Shrink.None<String>> { rng in
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: String(UInt64.random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng))
        case 1: "T\(String(UInt64.random(in: 0...UInt64.max, using: &rng), radix: 36, uppercase: true))-KRAKN-X"
        case 2: UUID().uuidString.lowercased()
        default: HostileText.generator.run(using: &rng)
        }
    }

    @Test("trade ids: an id whose text is the input, ordered by length then bytes, or the reason")
    func tradeIDsAnswer() async {
        await propertyCheck(count: 4_000, input: Self.ids) { text in
            do {
                let id = try TradeID(text)
                #expect(id.description == text)
                #expect(Self.isValid(id))
                let other = try TradeID("12345")
                let byRule = text.utf8.count != 5 ? text.utf8.count < 5 : text.utf8.lexicographicallyPrecedes("12345".utf8)
                #expect((id < other) == byRule)
                #expect((id < other ? 1 : 0) + (other < id ? 1 : 0) + (id == other ? 1 : 0) == 1)
                var json = ""
                id.writeJSON(to: &json)
                let decoded = try JSONDecoder().decode(TradeID.self, from: Data(json.utf8))
                #expect(decoded == id)
            } catch let error as TradeError {
                #expect(!error.description.isEmpty)
            }
        }
    }

    /// A `market.trade` message: each member valid or hostile, of any JSON type; sometimes not JSON.
    static let messages = Generator<Envelope, Shrink.None<Envelope>> { rng in
        let names = ["ts", "symbol", "price", "quantity", "side", "tradeId"]
        var members: [(key: String, value: JSONValue)] = []
        for (name, valid) in zip(names, validFields) {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: continue
            case 1: members.append((name, .string(HostileText.generator.run(using: &rng))))
            case 2:
                members.append(
                    (name, [.null, .bool(true), .number("1e999999"), .number("-0"), .array([])].randomElement(using: &rng) ?? .null))
            default: members.append((name, .string(valid)))
            }
        }
        let data = Int.random(in: 0..<20, using: &rng) == 0 ? HostileText.generator.run(using: &rng) : JSONValue.object(members).serialized
        let type = Int.random(in: 0..<20, using: &rng) == 0 ? "market.trades" : TradeMessage.type
        return Envelope(type: type, data: data)
    }

    @Test("trade messages: a valid trade, or an unprocessable message saying why")
    func tradeMessagesAnswer() async {
        await propertyCheck(count: 4_000, input: Self.messages) { envelope in
            do {
                let trade = try TradeMessage.trade(from: envelope)
                #expect(Self.isValid(trade))
            } catch let error as UnprocessableMessage {
                #expect(!error.description.isEmpty)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("decimals and symbols: nil, or a value that writes back to the same value")
    func decimalsAndSymbolsAnswer() async {
        await propertyCheck(count: 4_000, input: HostileText.generator) { text in
            if let value = FixedDecimal(text) { #expect(FixedDecimal(value.description) == value) }
            if let value = WideDecimal(text) { #expect(WideDecimal(value.description) == value) }
            if let symbol = MarketSymbol.normalized(text) { #expect(MarketSymbol.normalized(symbol) == symbol) }
            if let milliseconds = TradeMessage.epochMilliseconds(text), Trade.supportedTimes.contains(milliseconds) {
                #expect(TradeMessage.epochMilliseconds(RFC3339.string(from: Date(epochMilliseconds: milliseconds))) == milliseconds)
            }
        }
    }
}
