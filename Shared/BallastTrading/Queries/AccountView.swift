import Foundation

/// A trading account as JSON: its settings and balances, amounts as exact decimal strings.
public struct AccountView: Encodable, Sendable, Equatable {
    public struct BalanceView: Encodable, Sendable, Equatable {
        public var asset: String
        public var available: String
        public var locked: String

        public init(_ balance: Balance) {
            asset = balance.asset
            available = balance.available.plainText
            locked = balance.locked.plainText
        }
    }

    public var id: UUID
    public var quoteCurrency: String
    public var allowShort: Bool
    /// `paper`, or the exchange it trades on (`kraken`); its credentials are never shown.
    public var venue: String
    public var takerFeeBps: String
    public var makerFeeBps: String
    public var slippageBps: String
    /// One per asset the account has held, by asset.
    public var balances: [BalanceView]
    public var createdAt: Date

    public init(_ account: PaperAccount, balances: [BalanceView], createdAt: Date) {
        id = account.id
        quoteCurrency = account.quoteCurrency
        allowShort = account.allowShort
        venue = account.venue.rawValue
        takerFeeBps = account.pricing.takerFeeBps.plainText
        makerFeeBps = account.pricing.makerFeeBps.plainText
        slippageBps = account.pricing.slippageBps.plainText
        self.balances = balances
        self.createdAt = createdAt
    }
}
