/// An error as Kraken reports it: one string in the `error` array of the answer (`EOrder:Insufficient funds`).
public struct KrakenAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Kraken's error string, `<severity><category>:<message>`.
    public var code: String

    public init(_ code: String) { self.code = code }

    public var description: String { code }

    public static let invalidKey = KrakenAPIError("EAPI:Invalid key")
    public static let invalidSignature = KrakenAPIError("EAPI:Invalid signature")
    public static let invalidNonce = KrakenAPIError("EAPI:Invalid nonce")
    public static let rateLimitExceeded = KrakenAPIError("EAPI:Rate limit exceeded")
    public static let unknownMethod = KrakenAPIError("EGeneral:Unknown method")
    public static let unknownPair = KrakenAPIError("EQuery:Unknown asset pair")
    public static let unknownOrder = KrakenAPIError("EOrder:Unknown order")
    public static let orderMinimumNotMet = KrakenAPIError("EOrder:Order minimum not met")
    public static let costMinimumNotMet = KrakenAPIError("EOrder:Cost minimum not met")
    public static let insufficientFunds = KrakenAPIError("EOrder:Insufficient funds")
    public static let duplicateOrder = KrakenAPIError("EOrder:Duplicate order")
    public static let serviceUnavailable = KrakenAPIError("EService:Unavailable")

    /// `EGeneral:Invalid arguments` naming the argument, as Kraken names it (`EGeneral:Invalid arguments:volume`).
    public static func invalidArguments(_ argument: String? = nil) -> KrakenAPIError {
        KrakenAPIError("EGeneral:Invalid arguments" + (argument.map { ":\($0)" } ?? ""))
    }
}
