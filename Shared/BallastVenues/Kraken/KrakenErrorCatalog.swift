import BallastCore
import BallastTrading
import Foundation

/// Kraken's error strings (`EOrder:Insufficient funds`) in Ballast's terms: whether the call may be made again
/// (`.busy`), whether Kraken may have acted (`.unknown`), or a refusal (`.rejected`) with a reason a user can act on.
/// Kraken may add detail after the documented string (`EGeneral:Invalid arguments:volume`,
/// `EService:Throttled: 1700000000`): an error is matched by its documented prefix and keeps its full text as the code.
public enum KrakenErrorCatalog {
    /// What `code` means for the call that received it. `now` dates `EService:Throttled`'s retry time.
    public static func venueError(for code: String, now: Date = Date()) -> VenueError {
        if code.hasPrefix(throttled) {
            let text = code.dropFirst(throttled.count).trimmingCharacters(in: CharacterSet(charactersIn: ": "))
            let seconds = Int64(text).map { Int(clamping: $0 - now.epochSeconds) } ?? 5
            return .busy(code: code, retryAfterSeconds: min(max(1, seconds), 3600))
        }
        for (prefix, seconds) in busy where code.hasPrefix(prefix) {
            return .busy(code: code, retryAfterSeconds: seconds)
        }
        if code.hasPrefix("EGeneral:Internal error") {
            return .unknown("\(code): Kraken failed inside while handling the call, so whether it acted is not known")
        }
        if code.hasPrefix("EService:") { return .busy(code: code, retryAfterSeconds: 5) }
        let reason = reasons.first { code.hasPrefix($0.prefix) }?.reason ?? "Kraken refused the call"
        return .rejected(code: code, reason: reason)
    }

    private static let throttled = "EService:Throttled"

    /// Refusals for now, and how long to wait before the same call: a lockout lasts minutes, a market's restricted mode
    /// usually a while, a busy engine seconds.
    private static let busy: [(prefix: String, seconds: Int)] = [
        ("EAPI:Rate limit exceeded", 5),
        ("EOrder:Rate limit exceeded", 5),
        ("EGeneral:Too many requests", 5),
        ("EService:Unavailable", 5),
        ("EService:Busy", 5),
        ("EService:Deadline elapsed", 1),
        ("EService:Market in cancel_only mode", 60),
        ("EService:Market in post_only mode", 60),
        ("EService:Market in limit_only mode", 60),
        ("EGeneral:Temporary lockout", 300),
    ]

    /// Longer prefixes first where one starts another.
    private static let reasons: [(prefix: String, reason: String)] = [
        ("EAPI:Invalid key", "the API key is wrong, or was deleted or revoked at Kraken"),
        ("EAPI:Invalid signature", "the API secret is wrong: the request's signature does not match the key"),
        (
            "EAPI:Invalid nonce",
            "the nonce was not above the last one this key used (another program using the same key, or a clock set back)"
        ),
        ("EAPI:Bad request", "Kraken could not read the request"),
        ("EAPI:Feature disabled", "this API feature is disabled for the key"),
        ("EGeneral:Permission denied", "the API key lacks the permission this call needs (see the key's settings at Kraken)"),
        ("EGeneral:Invalid arguments", "Kraken refused the call's parameters"),
        ("EGeneral:Unknown method", "Kraken has no such API method"),
        ("EOrder:Insufficient funds", "the account's balance does not cover the order"),
        ("EOrder:Order minimum not met", "the order's quantity is below the pair's minimum (ordermin)"),
        ("EOrder:Cost minimum not met", "the order's value is below the pair's minimum cost (costmin)"),
        ("EOrder:Tick size check failed", "the price is not a multiple of the pair's tick size"),
        ("EOrder:Invalid price", "the price is not valid for the pair (too many decimals, or out of range)"),
        ("EOrder:Unknown order", "Kraken has no open order with that id"),
        ("EOrder:Invalid order", "Kraken has no such order, or cannot accept the order as given"),
        ("EOrder:Orders limit exceeded", "the account already has as many open orders as Kraken allows"),
        ("EOrder:Positions limit exceeded", "the account already has as many open positions as Kraken allows"),
        ("EOrder:Trading agreement required", "the account must accept Kraken's trading agreement first"),
        ("EOrder:Margin allowance exceeded", "the order would go over the account's margin allowance"),
        ("EOrder:Insufficient margin", "the account's margin does not cover the order"),
        ("EOrder:Cannot open opposing position", "the account may not trade on margin"),
        ("EOrder:Cannot open position", "the account may not trade on margin"),
        ("EQuery:Unknown asset pair", "Kraken does not list that pair"),
        ("EQuery:Unknown asset", "Kraken does not know that asset"),
        ("EAuth:Account temporary disabled", "the Kraken account is disabled for now"),
        ("EAuth:Account unconfirmed", "the Kraken account is not verified for this"),
    ]
}
