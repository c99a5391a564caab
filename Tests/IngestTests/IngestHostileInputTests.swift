import BallastCore
import BallastService
import BallastTestSupport
import BallastTrading
import Foundation
import PropertyBased
import Testing

@testable import Ingest

/// Every reader of outside input in ingest (webhook bodies, query strings, API bodies, its settings), fed
/// thousands of random and hostile values: each answers with a value or a 400 naming the bad field.
@Suite("Ingest readers answer hostile input")
struct IngestHostileInputTests {
    /// A JSON value of a random type: hostile text as a string, a number, or a value of the wrong type.
    static func hostileValue(using rng: inout some RandomNumberGenerator) -> JSONValue {
        let text = HostileText.forms.randomElement(using: &rng) ?? ""
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2:
            return .number(
                ["0", "-0", "1e999999", "-1e-999999", "9223372036854775807", "1E+2", "0.00000001"].randomElement(using: &rng) ?? "0")
        case 3: return .array([.string(text)])
        case 4: return .object([(key: text, value: .string(text))])
        default: return .string(text)
        }
    }

    /// A webhook body: each field the parser knows present or not, valid or hostile; sometimes not an object.
    static let webhookBodies = Generator<JSONValue, Shrink.None<JSONValue>> { rng in
        let valid: [(String, JSONValue)] = [
            ("ticker", .string("BINANCE:BTCUSDT")), ("symbol", .string("BTC-USD")), ("action", .string("buy")),
            ("direction", .string("long")), ("quantity", .string("0.5")), ("size", .number("1")), ("price", .number("97000.5")),
            ("orderType", .string("limit")), ("stopLoss", .string("90000")), ("takeProfit", .string("99000")),
            ("timeframe", .string("1h")), ("strike", .string("3500")), ("expiration", .string("2026-12-18")),
            ("strategy", .string("s")), ("comment", .string("c")), ("timestamp", .number("1764064800123")),
            ("secret", .string("s3cret")), ("timeInForce", .string("gtd")), ("expiresAt", .string("2099-01-01T00:00:00Z")),
            ("trailingStopPercent", .string("2.5")), ("id", .string("client-1")), ("sentiment", .string("bullish")),
            ("signalPrice", .number("97000")), ("time", .string("2026-11-25T10:00:00Z")), ("interval", .string("5")),
            ("stopLoss", .object([("type", .string("trailing_stop")), ("trailPercent", .number("2"))])),
            ("takeProfit", .object([("percent", .string("5"))])), ("stopLoss", .object([("amount", .number("250"))])),
        ]
        if Int.random(in: 0..<20, using: &rng) == 0 { return hostileValue(using: &rng) }
        var members: [(key: String, value: JSONValue)] = []
        for (key, value) in valid {
            switch Int.random(in: 0..<5, using: &rng) {
            case 0, 1: continue
            case 2: members.append((key, hostileValue(using: &rng)))
            default: members.append((key, value))
            }
        }
        if Bool.random(using: &rng) { members.append((HostileText.forms.randomElement(using: &rng) ?? "", hostileValue(using: &rng))) }
        return .object(members.shuffled(using: &rng))
    }

    static let receipt = Date(timeIntervalSince1970: 1_764_064_800)

    @Test("webhook bodies: a signal that can be stored and published, or a 400 naming the body's fields")
    func webhookBodiesAnswer() async {
        await propertyCheck(count: 4_000, input: Self.webhookBodies) { body in
            // The fields a problem may name: the parser's, and the body's own (an unknown field holding a NUL character).
            var names = SignalParser.knownFields.union(["body"])
            if case .object(let members) = body { names.formUnion(members.map { String($0.key.prefix(64)) }) }
            do {
                let signal = try SignalParser.parse(body, now: Self.receipt)
                // PostgreSQL stores the body as sent, less the secret, and cannot store a NUL character.
                if case .object(let members) = body {
                    #expect(!members.contains { $0.key != "secret" && JSONValue.object([$0]).serialized.contains("\\u0000") })
                }
                #expect(!signal.symbol.isEmpty && signal.symbol.allSatisfy { $0.isASCII && !$0.isWhitespace && $0 != ":" })
                #expect(signal.exchange.map { !$0.isEmpty && !$0.contains(":") } ?? true)
                #expect([signal.quantity, signal.price, signal.stopLoss, signal.takeProfit].allSatisfy { ($0 ?? 1) > 0 })
                // What ingest stores and publishes: the document must write (timestamps included) and read back.
                let source = SignalSource(id: UUID(), userID: UUID(), name: "n", secret: Secret("s"), isDefault: false)
                let document = SignalDocument(id: UUID(), source: source, signal: signal, receivedAt: Self.receipt)
                let again = try JSONCoding.decoder.decode(SignalDocument.self, from: JSONCoding.encoder.encode(document))
                #expect(again.symbol == document.symbol && again.timestamp?.epochMilliseconds == document.timestamp?.epochMilliseconds)
            } catch let problem as ProblemDetails {
                #expect(problem.status == 400)
                #expect(!(problem.invalidParams ?? []).isEmpty)
                // An exit object's own fields are named under it: `stopLoss.type`, `takeProfit.percent`. Compared
                // by bytes: a key that starts with a combining mark joins the dot into one character.
                #expect(
                    (problem.invalidParams ?? []).allSatisfy { parameter in
                        names.contains(parameter.name)
                            || ["stopLoss.", "takeProfit."].contains { parameter.name.utf8.starts(with: $0.utf8) }
                    })
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("tickers: a symbol of symbol characters, or a 400 naming the ticker")
    func tickersAnswer() async {
        await propertyCheck(count: 3_000, input: HostileText.generator) { ticker in
            let body = JSONValue.object([("ticker", .string(ticker)), ("action", .string("buy"))])
            do {
                let signal = try SignalParser.parse(body)
                let isSymbolCharacter: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./!".contains($0)) }
                #expect(!signal.symbol.isEmpty && signal.symbol.allSatisfy(isSymbolCharacter))
                #expect(signal.exchange.map { !$0.isEmpty && $0.allSatisfy(isSymbolCharacter) } ?? true)
            } catch {
                guard let error = error as? ProblemDetails else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(error.status == 400)
                // A blank ticker is a missing one.
                let isBlank = ticker.trimmingCharacters(in: .whitespaces).isEmpty
                #expect(error.invalidParams?.map(\.name) == [isBlank ? "symbol" : "ticker"])
            }
        }
    }

    /// A query string: each of `names` absent, valid or hostile.
    static func queries(_ valid: [String: [String]]) -> Generator<[String: String], Shrink.None<[String: String]>> {
        Generator { rng in
            var parameters: [String: String] = [:]
            for (name, values) in valid {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: continue
                case 1: parameters[name] = HostileText.forms.randomElement(using: &rng)
                case 2: parameters[name] = HostileText.generator.run(using: &rng)
                default: parameters[name] = values.randomElement(using: &rng)
                }
            }
            return parameters
        }
    }

    static let cursorTexts = [
        "1764064800123456_7d1c9e0c-4b0e-4c4e-9d36-5d3f3c2f1a10", "-9223372036854775808_7d1c9e0c-4b0e-4c4e-9d36-5d3f3c2f1a10",
        "9223372036854775807_7d1c9e0c-4b0e-4c4e-9d36-5d3f3c2f1a10", "_", "1_", "_7d1c9e0c-4b0e-4c4e-9d36-5d3f3c2f1a10",
    ]

    @Test("signal list queries: filters Postgres can bind, or a 400 naming the parameters")
    func signalQueriesAnswer() async {
        let valid = [
            "sourceId": ["7d1c9e0c-4b0e-4c4e-9d36-5d3f3c2f1a10"], "symbol": ["BTC-USD"], "from": ["2026-01-01T00:00:00Z"],
            "to": ["2026-12-01T00:00:00Z"], "limit": ["1", "500", "501"], "cursor": Self.cursorTexts,
        ]
        await propertyCheck(count: 3_000, input: Self.queries(valid)) { parameters in
            do {
                let query = try SignalQuery(parameters: parameters)
                #expect((1...500).contains(query.limit))
                for date in [query.from, query.to, query.after?.date].compactMap({ $0 }) {
                    #expect(RFC3339.supportedMilliseconds.contains(date.epochMilliseconds))
                }
                if let after = query.after { #expect(PageCursor(after.text) == after) }
            } catch {
                Self.expectBadRequest(error, namingOnly: Set(valid.keys))
            }
        }
    }

    @Test("klines queries: a symbol, interval, ordered times and limit in range, or a 400 naming the parameters")
    func klinesQueriesAnswer() async {
        let valid = [
            "symbol": ["BTC-USD"], "interval": ["1m", "1h", "1d"], "startTime": ["0", "1764064800000"],
            "endTime": ["1764064800000", "9223372036854775807"], "limit": ["1", "1000", "1001"],
        ]
        await propertyCheck(count: 3_000, input: Self.queries(valid)) { parameters in
            do {
                let query = try KlinesQuery(parameters: parameters)
                #expect(KlinesQuery.limits.contains(query.limit) && !query.symbol.isEmpty)
                #expect((query.startTime ?? 0) <= (query.endTime ?? .max) && (query.startTime ?? 0) >= 0)
            } catch {
                Self.expectBadRequest(error, namingOnly: Set(valid.keys))
            }
        }
    }

    @Test("trading list queries (orders, positions, fills): filters, or a 400 naming the parameters")
    func tradingListQueriesAnswer() async {
        let valid = [
            "symbol": ["BTC-USD"], "status": ["open", "filled", "closed"], "limit": ["1", "500", "501"],
            "orderId": ["7d1c9e0c-4b0e-4c4e-9d36-5d3f3c2f1a10"], "cursor": Self.cursorTexts,
        ]
        await propertyCheck(count: 2_000, input: Self.queries(valid)) { parameters in
            func check(_ parse: () throws(ProblemDetails) -> (limit: Int, cursor: PageCursor?)) {
                do {
                    let (limit, cursor) = try parse()
                    #expect((1...500).contains(limit))
                    if let cursor { #expect(PageCursor(cursor.text) == cursor) }
                } catch {
                    #expect(error.status == 400)
                    #expect((error.invalidParams ?? []).allSatisfy { valid.keys.contains($0.name) })
                }
            }
            check { () throws(ProblemDetails) in
                let filter = try OrderFilter(parameters: parameters)
                return (filter.limit, filter.after)
            }
            check { () throws(ProblemDetails) in
                let filter = try PositionFilter(parameters: parameters)
                return (filter.limit, filter.after)
            }
            check { () throws(ProblemDetails) in
                let filter = try FillFilter(parameters: parameters)
                return (filter.limit, filter.after)
            }
        }
    }

    /// A risk limits body: each limit absent, valid or hostile; sessions with hostile members.
    static let riskLimitBodies = Generator<JSONValue, Shrink.None<JSONValue>> { rng in
        var members: [(key: String, value: JSONValue)] = []
        for name in RiskLimitsParser.countFields + RiskLimitsParser.amountFields where Bool.random(using: &rng) {
            members.append(
                (name, Bool.random(using: &rng) ? .number("\(Int.random(in: -5...100, using: &rng))") : hostileValue(using: &rng)))
        }
        if Bool.random(using: &rng) {
            let valid: [(String, JSONValue)] = [
                ("exchange", .string("NYSE")), ("timeZone", .string("America/New_York")),
                ("days", .array([.number("1"), .number("5")])), ("open", .string("09:30")), ("close", .string("16:00")),
            ]
            let session = JSONValue.object(valid.map { ($0.0, Int.random(in: 0..<3, using: &rng) == 0 ? hostileValue(using: &rng) : $0.1) })
            members.append(("tradingSessions", Int.random(in: 0..<5, using: &rng) == 0 ? hostileValue(using: &rng) : .array([session])))
        }
        if Int.random(in: 0..<10, using: &rng) == 0 { members.append((HostileText.forms.randomElement(using: &rng) ?? "", .null)) }
        return Int.random(in: 0..<20, using: &rng) == 0 ? hostileValue(using: &rng) : .object(members)
    }

    @Test("risk limit bodies: limits greater than 0 and valid sessions, or a 400 naming each bad field")
    func riskLimitBodiesAnswer() async {
        await propertyCheck(count: 3_000, input: Self.riskLimitBodies) { body in
            do {
                let limits = try RiskLimitsParser.parse(body)
                let counts = [limits.maxOpenPositions, limits.maxOpenPositionsPerSymbol].compactMap { $0 }
                let amounts = [
                    limits.maxOrderNotional, limits.maxPositionPercentOfEquity, limits.maxTotalExposure, limits.minOrderNotional,
                    limits.defaultOrderNotional,
                ]
                #expect(counts.allSatisfy { $0 > 0 } && amounts.compactMap { $0 }.allSatisfy { $0 > 0 })
                #expect(limits.tradingSessions.allSatisfy { $0.problem == nil })
            } catch {
                guard let error = error as? ProblemDetails else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(error.status == 400)
                #expect(!(error.invalidParams ?? []).isEmpty)
                // A limit, a session member, or a member the body should not have, by the name it was sent under.
                let sent: [String] = if case .object(let members) = body { members.map { String($0.key.prefix(64)) } } else { [] }
                let names = Set(RiskLimitsParser.fields + ["body"] + sent)
                #expect((error.invalidParams ?? []).allSatisfy { names.contains($0.name) || $0.name.hasPrefix("tradingSessions[0]") })
            }
        }
    }

    @Test("source names: a name of 1 to 64 allowed characters, or a 400 naming the name")
    func sourceNamesAnswer() async {
        await propertyCheck(count: 3_000, input: HostileText.generator) { text in
            do {
                let name = try SourcesController.checkedName(text)
                #expect((1...64).contains(name.count) && name != "default" && name.allSatisfy(\.isASCII))
            } catch {
                guard let error = error as? ProblemDetails else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(error.status == 400 && error.invalidParams?.map(\.name) == ["name"])
            }
        }
    }

    @Test("webhook content types and signature headers answer without trapping")
    func webhookHeadersAnswer() async {
        await propertyCheck(count: 3_000, input: HostileText.generator) { text in
            do {
                try WebhookController.checkMediaType(text)
                #expect(text.lowercased().contains("json") || text.lowercased().contains("text/plain"))
            } catch let problem as ProblemDetails {
                #expect(problem.status == 415)
            } catch {
                Issue.record("unexpected \(error)")
            }
            #expect(!WebhookSignature.isValid(header: text, body: Array("{}".utf8), secret: "secret"))
            #expect(!WebhookSignature.isValid(header: "sha256=" + text, body: Array("{}".utf8), secret: "secret"))
        }
    }

    @Test("ingest settings: in range, or an error naming the variable")
    func ingestSettingsAnswer() async {
        let names = [
            "BALLAST_DEDUP_WINDOW_SECONDS", "BALLAST_MAX_BODY_BYTES", "BALLAST_WEBHOOK_SECRET", "BALLAST_WEBHOOK_USER",
            "BALLAST_WEBHOOK_RATE_LIMIT",
        ]
        await propertyCheck(count: 1_000, input: HostileText.generator, Gen.int(in: 0..<5)) { text, index in
            do {
                let configuration = try IngestConfiguration(environment: EnvironmentReader([names[index]: text]))
                #expect((1_024...10_485_760).contains(configuration.maxBodyBytes) && configuration.webhookRateLimit >= 0)
                #expect(configuration.webhookSecret.map { $0.value.count >= 16 } ?? true)
            } catch {
                guard let error = error as? ConfigurationError else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(error.variable == names[index])
            }
        }
    }

    /// A 400 problem naming at least one parameter, and only parameters the query could have.
    static func expectBadRequest(_ error: any Error, namingOnly names: Set<String>) {
        guard let problem = error as? ProblemDetails else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(problem.status == 400)
        #expect((problem.invalidParams ?? []).allSatisfy { names.contains($0.name) })
        #expect(!(problem.invalidParams ?? []).isEmpty)
    }
}
