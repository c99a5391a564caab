/// An error as the simulated Kraken answers it: one string in the `error` array of Kraken's envelope
/// (`EOrder:Insufficient funds`), spelled as Kraken's error documentation spells it.
public struct KrakenSimulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Kraken's error string, `<severity><category>:<message>`.
    public var code: String

    public init(_ code: String) { self.code = code }

    public var description: String { code }

    public static let invalidKey = KrakenSimulatorError("EAPI:Invalid key")
    public static let invalidSignature = KrakenSimulatorError("EAPI:Invalid signature")
    public static let invalidNonce = KrakenSimulatorError("EAPI:Invalid nonce")
    public static let rateLimitExceeded = KrakenSimulatorError("EAPI:Rate limit exceeded")
    public static let unknownMethod = KrakenSimulatorError("EGeneral:Unknown method")
    public static let unknownPair = KrakenSimulatorError("EQuery:Unknown asset pair")
    public static let unknownOrder = KrakenSimulatorError("EOrder:Unknown order")
    public static let orderMinimumNotMet = KrakenSimulatorError("EOrder:Order minimum not met")
    public static let costMinimumNotMet = KrakenSimulatorError("EOrder:Cost minimum not met")
    public static let insufficientFunds = KrakenSimulatorError("EOrder:Insufficient funds")
    public static let duplicateOrder = KrakenSimulatorError("EOrder:Duplicate order")
    public static let serviceUnavailable = KrakenSimulatorError("EService:Unavailable")

    /// `EGeneral:Invalid arguments`, naming the argument as Kraken does (`EGeneral:Invalid arguments:volume`).
    public static func invalidArguments(_ argument: String? = nil) -> KrakenSimulatorError {
        KrakenSimulatorError("EGeneral:Invalid arguments" + (argument.map { ":\($0)" } ?? ""))
    }
}
