import Foundation

/// Why a portfolio change was refused.
public enum PortfolioStoreError: Error, Equatable, CustomStringConvertible {
    case nameTaken(String)
    case quoteCurrencyFixed
    case noTradingAccount
    /// A transfer from a trading account that keeps cash in another currency than the portfolio's.
    case currencyMismatch(tradingCurrency: String, quoteCurrency: String)
    case insufficientFunds(asset: String, available: Decimal)
    /// Another portfolio already trades the whole trading account.
    case tradingAccountTaken
    case badRow(UUID)
    /// The portfolio changed after the settings of an update were read from it.
    case changedMeanwhile

    public var description: String {
        switch self {
        case .nameTaken(let name): "a portfolio named '\(name)' exists"
        case .quoteCurrencyFixed: "a portfolio's quote currency cannot change: its account keeps cash in it"
        case .noTradingAccount: "there is no trading account to transfer from; create one with `ballast account create`"
        case .currencyMismatch(let trading, let quote):
            "the trading account keeps cash in \(trading), not in the portfolio's quote currency \(quote)"
        case .insufficientFunds(let asset, let available): "the trading account has only \(available) \(asset) available"
        case .tradingAccountTaken: "another portfolio already trades your whole trading account"
        case .badRow(let id): "portfolio \(id) has a stored value this version cannot read"
        case .changedMeanwhile: "the portfolio changed while this change was being made; send it again"
        }
    }

    /// The API field a refusal is about, when it is about one.
    public var field: String? {
        switch self {
        case .nameTaken: "name"
        case .quoteCurrencyFixed: "quoteCurrency"
        case .noTradingAccount, .insufficientFunds, .currencyMismatch: "transferFromAccount"
        case .tradingAccountTaken: "useTradingAccount"
        case .badRow, .changedMeanwhile: nil
        }
    }
}
