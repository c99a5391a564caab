import BallastCore
import BallastService
import Foundation
import Testing

@testable import Ingest

/// Bridge-template fields beyond the signal's own (`quantityType`, `optionType`), aliases that are sent as null,
/// and values PostgreSQL cannot store: each read as the sender means it or refused by name.
@Suite("Parsing quantity types, option types, null aliases and unstorable text")
struct SignalParserFieldFormsTests {
    static let receipt = Date(timeIntervalSince1970: 1_764_064_800)

    static func parse(_ json: String) throws(ProblemDetails) -> SignalInput {
        guard let body = try? JSONValue(parsing: Array(json.utf8)) else {
            Issue.record("the test's JSON does not parse: \(json)")
            throw ProblemDetails(status: .badRequest, detail: "test JSON")
        }
        return try SignalParser.parse(body, now: receipt)
    }

    static func names(_ json: String) -> [String] {
        do {
            let signal = try parse(json)
            Issue.record("expected a 400 for \(json), got a \(signal.action.rawValue)")
            return []
        } catch {
            #expect(error.status == 400)
            return error.invalidParams?.map(\.name) ?? []
        }
    }

    @Test(
        "quantityType: fixed_quantity is units of the base asset, dollar_amount an amount of the quote currency",
        arguments: [
            (#""quantity":"0.5","quantityType":"fixed_quantity""#, "0.5", nil),
            (#""quantity":100,"quantityType":"dollar_amount""#, nil, "100"),
            (#""size":"250.50","quantityType":"DOLLAR_AMOUNT""#, nil, "250.5"),
            (#""quantity":"0.5","quantityType":null"#, "0.5", nil),
        ] as [(String, String?, String?)])
    func quantityType(fields: String, quantity: String?, notional: String?) throws {
        let signal = try Self.parse(#"{"symbol":"BTC-USD","action":"buy",\#(fields)}"#)
        #expect(signal.quantity == quantity.flatMap { Decimal(string: $0) })
        #expect(signal.notional == notional.flatMap { Decimal(string: $0) })
    }

    @Test(
        "a quantityType Ballast cannot honour, or one without a quantity, is a 400 naming quantityType",
        arguments: [
            #""quantity":1,"quantityType":"percent_of_equity""#, #""quantity":1,"quantityType":"risk_dollar_amount""#,
            #""quantity":1,"quantityType":7"#, #""quantityType":"dollar_amount""#,
        ])
    func refusedQuantityType(fields: String) {
        #expect(Self.names(#"{"symbol":"BTC-USD","action":"buy",\#(fields)}"#) == ["quantityType"])
    }

    @Test("a dollar amount changes the fingerprint: 100 units and 100 dollars are different signals")
    func notionalFingerprint() throws {
        let units = try Self.parse(#"{"symbol":"BTC-USD","action":"buy","quantity":100}"#)
        let dollars = try Self.parse(#"{"symbol":"BTC-USD","action":"buy","quantity":100,"quantityType":"dollar_amount"}"#)
        #expect(units.fingerprint == "|BTC-USD|buy||100||market||||||")
        #expect(dollars.fingerprint == "|BTC-USD|buy||||market|||||||notional=100")
    }

    @Test(
        "optionType call or put is the option's direction, as the seed's CALL and PUT; against another direction it names both",
        arguments: [
            (#""action":"buy","optionType":"call""#, SignalInput.Direction.call),
            (#""action":"buy","optionType":"PUT","direction":"put""#, .put),
            (#""optionType":"put""#, .put),
        ])
    func optionType(fields: String, direction: SignalInput.Direction) throws {
        let signal = try Self.parse(#"{"symbol":"SPY","quantity":1,\#(fields)}"#)
        #expect(signal.direction == direction)
        #expect(signal.action == .buy)
    }

    @Test("optionType contradicting direction, or not call or put, is a 400 naming the fields")
    func refusedOptionType() {
        #expect(Self.names(#"{"symbol":"SPY","action":"buy","optionType":"call","direction":"long"}"#) == ["optionType", "direction"])
        #expect(Self.names(#"{"symbol":"SPY","action":"buy","optionType":"straddle"}"#) == ["optionType"])
    }

    @Test(
        "an alias sent as null does not hide the other name: quantity null with size, symbol null with ticker",
        arguments: [
            #"{"symbol":null,"ticker":"BTC-USD","action":"buy","quantity":null,"size":"2"}"#,
            #"{"ticker":"BTC-USD","symbol":null,"action":"buy","size":"2","quantity":null}"#,
        ])
    func nullAliases(json: String) throws {
        let signal = try Self.parse(json)
        #expect(signal.symbol == "BTC-USD")
        #expect(signal.quantity == 2)
    }

    @Test("a cancel needs no price, whatever its orderType")
    func cancelLimitWithoutPrice() throws {
        let signal = try Self.parse(#"{"symbol":"BTC-USD","action":"cancel","orderType":"limit"}"#)
        #expect(signal.action == .cancel && signal.orderType == .limit && signal.price == nil)
    }

    @Test(
        "a NUL character anywhere in the body, which PostgreSQL cannot store, is a 400 naming the field",
        arguments: [
            (#"{"symbol":"BTC-USD","action":"buy","quantity":1,"note":"a\u0000b"}"#, "note"),
            (#"{"symbol":"BTC-USD","action":"buy","quantity":1,"meta":{"deep":["x","\u0000"]}}"#, "meta"),
            (#"{"symbol":"BTC-USD","action":"buy","quantity":1,"n\u0000te":"x"}"#, "body"),
            (#"{"symbol":"BTC-USD","action":"buy","quantity":1,"comment":"\u0000"}"#, "comment"),
        ])
    func nulCharacter(json: String, name: String) {
        #expect(Self.names(json) == [name])
    }
}

extension SignalParserFieldFormsTests {
    @Test(
        "an empty action or direction counts as absent, as every empty field: never a buy by default",
        arguments: [
            (#"{"ticker":"BTCUSD","direction":"","quantity":1}"#, ["action"]),
            (#"{"ticker":"BTCUSD","action":"","quantity":1}"#, ["action"]),
            (#"{"ticker":"BTCUSD","action":"  ","direction":"","optionType":"","quantity":1}"#, ["action"]),
        ])
    func emptyActionOrDirection(json: String, names: [String]) {
        #expect(Self.names(json) == names)
    }

    @Test("an empty action beside a direction short is the direction alone: a sell, not a buy that closes the short")
    func emptyActionWithDirection() throws {
        let signal = try Self.parse(#"{"ticker":"BTCUSD","action":"","direction":"short","quantity":1}"#)
        #expect(signal.action == .sell && signal.direction == .short)
    }
}
