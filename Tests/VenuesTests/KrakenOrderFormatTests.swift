import BallastTrading
import BallastVenues
import Foundation
import Testing

@Suite struct KrakenOrderFormatTests {
    @Test(arguments: [
        ("1.25", 8, "1.25000000"),
        ("0.123456789", 8, "0.12345678"),
        ("0.999999999", 8, "0.99999999"),
        ("2.5", 0, "2"),
        ("10", 2, "10.00"),
        ("0.00000001", 8, "0.00000001"),
        ("0.000000009", 8, "0.00000000"),
        ("12345678.123", 1, "12345678.1"),
    ])
    func volumesRoundDownToTheLotDecimals(quantity: String, decimals: Int, expected: String) throws {
        let value = try #require(Decimal(string: quantity, locale: Locale(identifier: "en_US_POSIX")))
        #expect(KrakenOrderFormat.volume(value, decimals: decimals) == expected)
    }

    @Test(arguments: [
        ("37500", OrderSide.buy, 1, "37500.0"),
        ("37500.16", .buy, 1, "37500.1"),
        ("37500.16", .sell, 1, "37500.2"),
        ("37500.10", .sell, 1, "37500.1"),
        ("0.123456789", .buy, 5, "0.12345"),
        ("0.123451", .sell, 5, "0.12346"),
        ("99.999", .sell, 2, "100.00"),
        ("64000.5", .buy, 0, "64000"),
        ("64000.5", .sell, 0, "64001"),
    ])
    func limitPricesRoundToThePairDecimalsInTheSidesFavour(price: String, side: OrderSide, decimals: Int, expected: String) throws {
        let value = try #require(Decimal(string: price, locale: Locale(identifier: "en_US_POSIX")))
        #expect(KrakenOrderFormat.limitPrice(value, side: side, decimals: decimals) == expected)
    }
}
