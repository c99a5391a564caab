import BallastCore
import Testing

@testable import BallastMarket

@Suite("Symbol catalogue settings")
struct SymbolCatalogueSettingsTests {
    @Test("defaults: the built-in asset aliases (XBT, Kraken's X and Z codes), no quote mapping")
    func defaults() throws {
        let settings = try SymbolCatalogueSettings(environment: EnvironmentReader([:]))
        #expect(settings.baseAliases == SymbolCatalogue.defaultBaseAliases)
        #expect(settings.baseAliases["XBT"] == "BTC")
        #expect(settings.baseAliases["ZUSD"] == "USD")
        #expect(settings.quoteAliases.isEmpty)
    }

    @Test(
        "FROM=TO pairs, in any case, with spaces and a trailing comma",
        arguments: [
            ("USDT=USD,USDC=USD", ["USDT": "USD", "USDC": "USD"]), (" usdt = usd , ", ["USDT": "USD"]), ("", [:]), ("  ", [:]),
            ("TUSD=USD", ["TUSD": "USD"]),
        ]
    )
    func quoteAliases(value: String, expected: [String: String]) throws {
        let settings = try SymbolCatalogueSettings(environment: EnvironmentReader(["BALLAST_QUOTE_ALIASES": value]))
        #expect(settings.quoteAliases == expected)
    }

    @Test("BALLAST_BASE_ALIASES adds to the defaults and overrides them")
    func baseAliases() throws {
        let settings = try SymbolCatalogueSettings(environment: EnvironmentReader(["BALLAST_BASE_ALIASES": "WBTC=BTC,XBT=XBT"]))
        #expect(settings.baseAliases["WBTC"] == "BTC")
        #expect(settings.baseAliases["XBT"] == "XBT")
        #expect(settings.baseAliases["XXBT"] == "BTC")
    }

    @Test(
        "unusable values name their variable",
        arguments: [
            ("BALLAST_QUOTE_ALIASES", "USDT"), ("BALLAST_QUOTE_ALIASES", "USDT=USD=EUR"), ("BALLAST_QUOTE_ALIASES", "=USD"),
            ("BALLAST_QUOTE_ALIASES", "USDT="), ("BALLAST_QUOTE_ALIASES", "US-DT=USD"), ("BALLAST_QUOTE_ALIASES", "USDT=USD,USDT=EUR"),
            ("BALLAST_BASE_ALIASES", "XBT:BTC"), ("BALLAST_BASE_ALIASES", "ÄBC=BTC"),
            ("BALLAST_BASE_ALIASES", "ABCDEFGHIJKLMNOPQ=BTC"),
        ]
    )
    func unusable(variable: String, value: String) {
        #expect {
            try SymbolCatalogueSettings(environment: EnvironmentReader([variable: value]))
        } throws: { error in
            (error as? ConfigurationError)?.variable == variable
        }
    }
}
