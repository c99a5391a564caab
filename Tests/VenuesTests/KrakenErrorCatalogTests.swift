import BallastTrading
import BallastVenues
import Foundation
import Testing

@Suite struct KrakenErrorCatalogTests {
    @Test(arguments: [
        ("EAPI:Invalid key", "the API key is wrong, or was deleted or revoked at Kraken"),
        ("EAPI:Invalid signature", "the API secret is wrong: the request's signature does not match the key"),
        (
            "EAPI:Invalid nonce",
            "the nonce was not above the last one this key used (another program using the same key, or a clock set back)"
        ),
        ("EOrder:Insufficient funds", "the account's balance does not cover the order"),
        ("EOrder:Order minimum not met", "the order's quantity is below the pair's minimum (ordermin)"),
        ("EOrder:Cost minimum not met", "the order's value is below the pair's minimum cost (costmin)"),
        ("EQuery:Unknown asset pair", "Kraken does not list that pair"),
        ("EQuery:Unknown asset", "Kraken does not know that asset"),
        ("EGeneral:Invalid arguments", "Kraken refused the call's parameters"),
        ("EGeneral:Invalid arguments:volume", "Kraken refused the call's parameters"),
        ("EGeneral:Permission denied", "the API key lacks the permission this call needs (see the key's settings at Kraken)"),
        ("EOrder:Unknown order", "Kraken has no open order with that id"),
        ("EOrder:Some new refusal", "Kraken refused the call"),
    ])
    func refusalsAreRejectedWithAReason(code: String, reason: String) {
        #expect(KrakenErrorCatalog.venueError(for: code) == .rejected(code: code, reason: reason))
    }

    @Test(arguments: [
        ("EAPI:Rate limit exceeded", 5),
        ("EOrder:Rate limit exceeded", 5),
        ("EService:Unavailable", 5),
        ("EService:Busy", 5),
        ("EService:Market in cancel_only mode", 60),
        ("EGeneral:Temporary lockout", 300),
        ("EService:Something new", 5),
    ])
    func refusalsForNowAreBusy(code: String, seconds: Int) {
        #expect(KrakenErrorCatalog.venueError(for: code) == .busy(code: code, retryAfterSeconds: seconds))
    }

    @Test func throttledWaitsUntilTheTimeKrakenGives() {
        let now = Date(epochSeconds: 1_700_000_000)
        #expect(
            KrakenErrorCatalog.venueError(for: "EService:Throttled: 1700000042", now: now)
                == .busy(code: "EService:Throttled: 1700000042", retryAfterSeconds: 42))
        // A time already past, or none readable, still waits a moment.
        #expect(
            KrakenErrorCatalog.venueError(for: "EService:Throttled: 1600000000", now: now)
                == .busy(code: "EService:Throttled: 1600000000", retryAfterSeconds: 1))
        #expect(
            KrakenErrorCatalog.venueError(for: "EService:Throttled", now: now) == .busy(code: "EService:Throttled", retryAfterSeconds: 5))
    }

    @Test func anInternalErrorLeavesTheOutcomeUnknown() {
        guard case .unknown(let what) = KrakenErrorCatalog.venueError(for: "EGeneral:Internal error") else {
            Issue.record("an internal error is not .unknown")
            return
        }
        #expect(what.contains("EGeneral:Internal error"))
    }
}
