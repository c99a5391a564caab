import BallastCore
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading

@Suite("orders.expire with real Postgres and Redis")
struct OrderExpiryTests {
    @Test("an order whose expiry keeps failing is skipped: the order after it still expires, and the run reports the failure")
    func failingOrderIsSkipped() async throws {
        try await PaperTradingFixture.with { fixture in
            for seconds in [60.0, 61.0] {
                var signal = fixture.signal("buy", quantity: "0.1", orderType: "limit", price: "40000")
                signal.timeInForce = "gtd"
                signal.expiresAt = Date().addingTimeInterval(seconds)
                _ = try await fixture.executor.execute(signal)
            }
            // The first order to expire cannot be written, at every attempt, as a row the release path rejects.
            try await fixture.database.query(
                "CREATE TABLE unwritable_orders AS SELECT id FROM orders ORDER BY expires_at LIMIT 1")
            try await fixture.database.query(
                """
                CREATE FUNCTION refuse_unwritable_order() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM unwritable_orders u WHERE u.id = OLD.id) THEN
                        RAISE EXCEPTION 'order % cannot be written', OLD.id;
                    END IF;
                    RETURN NEW;
                END
                $$
                """)
            try await fixture.database.query(
                "CREATE TRIGGER refuse_unwritable_order BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION refuse_unwritable_order()")

            let expiry = OrderExpiry(database: fixture.database, logger: TestServers.logger)
            for _ in 0..<2 {
                await #expect(throws: OrderExpiry.Failures.self) { try await expiry.expire(now: Date().addingTimeInterval(62)) }
            }
            #expect(
                try await fixture.strings(
                    "SELECT o.status FROM orders o LEFT JOIN unwritable_orders u USING (id) ORDER BY u.id IS NULL") == ["new", "expired"])
            #expect(try await fixture.balance("USD").locked == dec("4004"))
            #expect(try await fixture.balancesMatchLedger())
        }
    }
}
