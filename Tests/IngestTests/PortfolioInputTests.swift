import BallastCore
import BallastMarket
import BallastPortfolios
import Foundation
import Testing

@testable import Ingest

@Suite("Portfolio request fields: strict types, exact decimals, every problem named")
struct PortfolioInputTests {
    static func input(_ json: String, fields: [String] = PortfolioInput.createFields) throws -> PortfolioInput {
        PortfolioInput(try JSONValue(parsing: Array(json.utf8)), fields: fields)
    }

    @Test(
        "a decimal field is a JSON number or a decimal string, read exactly to 8 places",
        arguments: [
            (#"5"#, "5"), (#""2.5""#, "2.5"), (#"0.00000001"#, "0.00000001"), (#"" 7.25 ""#, "7.25"), (#"1e-8"#, "0.00000001"),
            (#"-1"#, "-1"), (#""1.000000000""#, "1"),
        ]
    )
    func decimals(json: String, value: String) throws {
        let input = try Self.input(#"{"driftThreshold":\#(json)}"#)
        #expect(input.problems.isEmpty)
        #expect(input.driftThreshold?.description == value)
    }

    @Test(
        "a decimal field that is not one exactly is refused, naming it",
        arguments: [#""five""#, #"true"#, #""0.123456789""#, #"[1]"#, #""1,5""#, #"100000000000"#, #""""#]
    )
    func badDecimals(json: String) throws {
        let input = try Self.input(#"{"driftThreshold":\#(json)}"#)
        #expect(input.problems.map(\.name) == ["driftThreshold"])
        #expect(input.driftThreshold == nil)
    }

    @Test(
        "each field's JSON type is strict",
        arguments: [
            (#"{"name":7}"#, "name"), (#"{"dryRun":"true"}"#, "dryRun"), (#"{"thresholdRelative":0}"#, "thresholdRelative"),
            (#"{"method":"DRIFT"}"#, "method"), (#"{"interval":"yearly"}"#, "interval"), (#"{"rebalanceTo":1}"#, "rebalanceTo"),
            (#"{"maxOrders":"3"}"#, "maxOrders"), (#"{"maxOrders":2.5}"#, "maxOrders"), (#"{"quoteCurrency":"US D"}"#, "quoteCurrency"),
            (#"{"targetWeights":{"B TC":100}}"#, "targetWeights"), (#"{"targetWeights":{"btc":50,"BTC":50}}"#, "targetWeights.BTC"),
            (#"{"initialCash":0}"#, "initialCash"), (#"{"transferFromAccount":"-1"}"#, "transferFromAccount"),
            (#"{"initialCash":null,"transferFromAccount":1}"#, "transferFromAccount"), (#"{"name":"a\u0000b"}"#, "name"),
            (#"{"paused":true}"#, "paused"),
        ]
    )
    func strictTypes(json: String, field: String) throws {
        #expect(try Self.input(json).problems.map(\.name) == [field])
    }

    @Test("asset names are upper-cased; maxOrders null means no limit; funding is one of cash or transfer")
    func readsFields() throws {
        let input = try Self.input(
            #"{"name":" Core ","targetWeights":{"btc":"60","Eth":40},"maxOrders":null,"transferFromAccount":"12.5","method":"hybrid"}"#)
        #expect(input.problems.isEmpty)
        #expect(input.name == "Core")
        #expect(input.targetWeights?.mapValues(\.description) == ["BTC": "60", "ETH": "40"])
        #expect(input.maxOrders == .some(nil))
        #expect(input.method == .hybrid)
        #expect(input.funding == .transfer(FixedDecimal("12.5")!))
        let change = try Self.input(#"{"initialCash":5}"#, fields: PortfolioInput.updateFields)
        #expect(change.problems.map(\.name) == ["initialCash"], "a change cannot fund")
    }

    @Test(
        "the schedule: a cron sent alone means interval cron; with a named interval it is refused",
        arguments: [
            (#"{}"#, "daily", "0 0 * * *", nil),
            (#"{"cron":"*/15 * * * *"}"#, "cron", "*/15 * * * *", nil),
            (#"{"interval":"weekly","timeZone":"Europe/Berlin"}"#, "weekly", "0 0 * * 1", nil),
            (#"{"interval":"hourly","cron":"0 * * * *"}"#, nil, nil, "cron"),
            (#"{"interval":"cron"}"#, nil, nil, "cron"),
            (#"{"timeZone":"Nowhere/Special"}"#, nil, nil, "timeZone"),
        ] as [(String, String?, String?, String?)]
    )
    func schedule(json: String, interval: String?, cron: String?, problem: String?) throws {
        var input = try Self.input(json)
        let schedule = input.schedule(changing: nil)
        #expect(schedule?.interval.rawValue == interval)
        #expect(schedule?.cron.description == cron)
        #expect(input.problems.map(\.name) == (problem.map { [$0] } ?? []))
    }

    @Test("a change of timeZone alone keeps the portfolio's cron expression")
    func scheduleChange() throws {
        guard case .success(let current) = PortfolioSchedule.make(interval: .cron, cron: "30 9 * * 1-5", timeZone: "UTC") else {
            Issue.record("the schedule is valid")
            return
        }
        var input = try Self.input(#"{"timeZone":"America/New_York"}"#)
        let changed = input.schedule(changing: current)
        #expect(changed?.cron.description == "30 9 * * 1-5")
        #expect(changed?.timeZone.identifier == "America/New_York")
    }
}
