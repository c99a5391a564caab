import Foundation
import PropertyBased
import Testing

@testable import BallastTrading

@Suite("Option contracts")
struct OptionContractTests {
    @Test(
        "a symbol is the underlying, the UTC expiry date, the strike in plain decimals and C or P",
        arguments: [
            ("BTC-USD", "2026-12-11T08:00:00Z", "50000", OptionKind.call, "BTC-USD-20261211-50000-C"),
            ("ETH-USD", "2027-01-29T08:00:00Z", "3525", .put, "ETH-USD-20270129-3525-P"),
            ("SOL-USD", "2026-12-08T08:00:00Z", "152.5", .call, "SOL-USD-20261208-152.5-C"),
            ("DOGE-USD", "2026-12-08T08:00:00Z", "0.00000001", .put, "DOGE-USD-20261208-0.00000001-P"),
            ("BTC-USD", "2026-12-11T08:00:00Z", "5E4", .call, "BTC-USD-20261211-50000-C"),
            ("BTCUSD", "2026-12-11T08:00:00Z", "97000.50", .put, "BTCUSD-20261211-97000.5-P"),
            ("BTC", "2026-12-11T23:59:59Z", "1", .call, "BTC-20261211-1-C"),
        ] as [(String, String, String, OptionKind, String)]
    )
    func symbol(underlying: String, expiry: String, strike: String, kind: OptionKind, symbol: String) {
        let contract = OptionContract(underlying: underlying, expiry: instant(expiry), strike: decimal(strike), kind: kind)
        #expect(contract.symbol == symbol)
    }

    @Test(
        "a symbol reads back into its contract, expiring at 08:00 UTC, and writes back unchanged",
        arguments: [
            ("BTC-USD-20261211-50000-C", "BTC-USD", "2026-12-11", "50000", OptionKind.call),
            ("ETH-USD-20270129-3525-P", "ETH-USD", "2027-01-29", "3525", .put),
            ("SOL-USD-20261208-152.5-C", "SOL-USD", "2026-12-08", "152.5", .call),
            ("DOGE-USD-20280229-0.00000001-P", "DOGE-USD", "2028-02-29", "0.00000001", .put),
            ("BTCUSD-20261211-97000.5-P", "BTCUSD", "2026-12-11", "97000.5", .put),
            ("A-B-C-20261211-1-C", "A-B-C", "2026-12-11", "1", .call),
            ("btc-usd-20261211-50000-C", "btc-usd", "2026-12-11", "50000", .call),
        ] as [(String, String, String, String, OptionKind)]
    )
    func parsed(symbol: String, underlying: String, day: String, strike: String, kind: OptionKind) throws {
        let contract = try #require(OptionContract(symbol: symbol))
        #expect(
            contract == OptionContract(underlying: underlying, expiry: instant("\(day)T08:00:00Z"), strike: decimal(strike), kind: kind))
        #expect(contract.symbol == symbol)
    }

    @Test(
        "anything but the form a symbol is written in is refused",
        arguments: [
            "", "BTC", "C", "-", "---", "BTC-USD-20261211-50000", "BTC-USD-20261211-50000-X", "BTC-USD-20261211-50000-c",
            "BTC-USD-20261211-50000-CALL", "-20261211-50000-C", "BTC--USD-20261211-50000-C", "BTC-USD--20261211-50000-C",
            "BTC-USD-20261311-50000-C", "BTC-USD-20260230-50000-C", "BTC-USD-20261200-50000-C", "BTC-USD-00001211-50000-C",
            "BTC-USD-2026121-50000-C", "BTC-USD-202612110-50000-C", "BTC-USD-2026-12-11-50000-C", "BTC-USD-20261211-5e4-C",
            "BTC-USD-20261211-050000-C", "BTC-USD-20261211-50000.0-C", "BTC-USD-20261211-50000.-C", "BTC-USD-20261211-.5-C",
            "BTC-USD-20261211-0-C", "BTC-USD-20261211-0.0-C", "BTC-USD-20261211--50000-C", "BTC-USD-20261211-+50000-C",
            "BTC-USD-20261211-NaN-C", "BTC-USD-20261211-50,000-C", "BTC-USD-20261211- 50000-C", "BTC USD-20261211-50000-C",
            "BTC-USD-20261211-50000-C ", " BTC-USD-20261211-50000-C", "BTC/USD-20261211-50000-C", "BTC_USD-20261211-50000-C",
            "BTÇ-USD-20261211-50000-C", "BTC-USD-٢٠٢٦١٢١١-50000-C", "BTC-USD-20261211-٥٠٠٠٠-C", "BTC-USD-20261211-50000-C\n",
            "BTC-USD-20261211-50000-C\u{0}", String(repeating: "A", count: 33) + "-20261211-1-C",
            String(repeating: "9", count: 40) + "-20261211-1-C", "BTC-USD-20261211-" + String(repeating: "1", count: 60) + "-C",
        ]
    )
    func refused(symbol: String) {
        #expect(OptionContract(symbol: symbol) == nil)
    }

    @Test("generated text: a symbol that reads at all writes back exactly as it was read")
    func generatedSymbols() async {
        let characters = Gen<Character?>.element(of: Array("BTCUSD-0123456789CP.e+ _/٣")).compactMap { $0 }
        await propertyCheck(count: 5_000, input: characters.string(of: 0...30)) { text in
            guard let contract = OptionContract(symbol: text) else { return }
            #expect(contract.symbol == text)
        }
    }

    @Test("generated contracts: the symbol reads back into the same contract")
    func generatedContracts() async {
        let underlyings = Gen<String?>.element(of: ["BTC-USD", "ETH-USD", "SOL-USDT", "XRP"]).compactMap { $0 }
        // 2000-01-01 to 2099-12-31, as day numbers.
        await propertyCheck(
            count: 3_000, input: underlyings, Gen.int(in: 10_957...47_481), Gen.int(in: 1...999_999_999), Gen.int(in: 0...8),
            Gen<OptionKind?>.element(of: OptionKind.allCases).compactMap { $0 }
        ) { underlying, day, units, places, kind in
            let strike = Decimal(sign: .plus, exponent: -places, significand: Decimal(units))
            let expiry = Date(timeIntervalSince1970: Double(day) * 86_400 + 8 * 3_600)
            let contract = OptionContract(underlying: underlying, expiry: expiry, strike: strike, kind: kind)
            #expect(OptionContract(symbol: contract.symbol) == contract)
        }
    }

    @Test(
        "the intrinsic value is what exercising pays, exactly, never below zero",
        arguments: [
            (OptionKind.call, "97000", "97000.12345678", "0.12345678"),
            (.call, "97000", "96999.99999999", "0"),
            (.call, "97000", "97000", "0"),
            (.put, "97000", "96999.99999999", "0.00000001"),
            (.put, "97000", "97000.5", "0"),
            (.put, "0.5", "0.1", "0.4"),
            (.call, "0.1", "0.3", "0.2"),
        ] as [(OptionKind, String, String, String)]
    )
    func intrinsicValue(kind: OptionKind, strike: String, underlyingPrice: String, expected: String) {
        let contract = OptionContract(underlying: "BTC-USD", expiry: instant("2026-12-11T08:00:00Z"), strike: decimal(strike), kind: kind)
        #expect(contract.intrinsicValue(at: decimal(underlyingPrice)) == decimal(expected))
    }
}
