import Foundation

/// A paper account as JSON: its settings and balances, amounts as exact decimal strings.
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
        takerFeeBps = account.pricing.takerFeeBps.plainText
        makerFeeBps = account.pricing.makerFeeBps.plainText
        slippageBps = account.pricing.slippageBps.plainText
        self.balances = balances
        self.createdAt = createdAt
    }
}

/// Risk limits as JSON (`GET/PUT /api/v1/risk-limits`): amounts as exact decimal strings, limits that are
/// off left out.
public struct RiskLimitsView: Encodable, Sendable, Equatable {
    public var maxOpenPositions: Int?
    public var maxOpenPositionsPerSymbol: Int?
    public var maxOrderNotional: String?
    public var maxPositionPercentOfEquity: String?
    public var maxTotalExposure: String?
    public var minOrderNotional: String?
    public var defaultOrderNotional: String?
    public var tradingSessions: [TradingSession]

    public init(_ limits: RiskLimits) {
        maxOpenPositions = limits.maxOpenPositions
        maxOpenPositionsPerSymbol = limits.maxOpenPositionsPerSymbol
        maxOrderNotional = limits.maxOrderNotional?.plainText
        maxPositionPercentOfEquity = limits.maxPositionPercentOfEquity?.plainText
        maxTotalExposure = limits.maxTotalExposure?.plainText
        minOrderNotional = limits.minOrderNotional?.plainText
        defaultOrderNotional = limits.defaultOrderNotional?.plainText
        tradingSessions = limits.tradingSessions
    }
}

/// Whether a position is still held (`positions.status`).
public enum PositionStatus: String, Sendable, CaseIterable {
    case open, closed
}

/// Where a newest-first page ended: the last row's time (µs since 1970, as stored) and id. Clients see it as
/// `<µs>_<id>`, the form of the signals' cursor, and pass it back unchanged.
public struct TradingCursor: Sendable, Equatable {
    /// Cursors beyond the year 9999 are not ones this API issued.
    static let maximumMicroseconds: Int64 = 253_402_300_799_999_999

    public var microseconds: Int64
    public var id: UUID

    public init(microseconds: Int64, id: UUID) {
        self.microseconds = microseconds
        self.id = id
    }

    /// Parses `text`; nil when it is not a cursor this API issues.
    public init?(_ text: String) {
        let parts = text.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.allSatisfy({ (48...57).contains($0) }),
            let microseconds = Int64(parts[0]), microseconds <= Self.maximumMicroseconds,
            let id = UUID(uuidString: String(parts[1]))
        else { return nil }
        self.init(microseconds: microseconds, id: id)
    }

    public var text: String { "\(microseconds)_\(id.uuidString.lowercased())" }
}

/// One page of a listing, and where the next one starts (nil on the last page).
public struct TradingPage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: TradingCursor?

    public init(items: [Item], next: TradingCursor?) {
        self.items = items
        self.next = next
    }

    /// The first `limit` of `rows` (read with one extra row to tell whether more follow).
    init(_ rows: [(Item, TradingCursor)], limit: Int) {
        let page = rows.prefix(limit)
        items = page.map(\.0)
        next = rows.count > limit ? page.last?.1 : nil
    }
}

/// Which orders `TradingQueries.orders` lists.
public struct OrderFilter: Sendable, Equatable {
    /// Only orders in one of these statuses; nil: any.
    public var statuses: [OrderStatus]?
    public var symbol: String?
    public var limit: Int
    /// Continue after this row of a previous page.
    public var after: TradingCursor?

    public init(statuses: [OrderStatus]? = nil, symbol: String? = nil, limit: Int = 100, after: TradingCursor? = nil) {
        self.statuses = statuses
        self.symbol = symbol
        self.limit = limit
        self.after = after
    }
}

/// Which positions `TradingQueries.positions` lists.
public struct PositionFilter: Sendable, Equatable {
    public var status: PositionStatus?
    public var symbol: String?
    public var limit: Int
    public var after: TradingCursor?

    public init(status: PositionStatus? = nil, symbol: String? = nil, limit: Int = 100, after: TradingCursor? = nil) {
        self.status = status
        self.symbol = symbol
        self.limit = limit
        self.after = after
    }
}

/// Which fills `TradingQueries.fills` lists.
public struct FillFilter: Sendable, Equatable {
    public var symbol: String?
    public var orderID: UUID?
    public var limit: Int
    public var after: TradingCursor?

    public init(symbol: String? = nil, orderID: UUID? = nil, limit: Int = 100, after: TradingCursor? = nil) {
        self.symbol = symbol
        self.orderID = orderID
        self.limit = limit
        self.after = after
    }
}
