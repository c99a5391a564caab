/// One numbered schema change. Statements run in order inside one transaction.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

extension Migration {
    /// Every migration of the project, in order. Add new ones at the end; never edit an applied one.
    public static let all: [Migration] = [
        .m0001Messaging,
        .m0002Signals,
        .m0003AcceptSignal,
        .m0004AcceptSignals,
        .m0005Scheduler,
        .m0006MarketData,
        .m0007DropTradeTimeIndex,
        .m0008PaperTrading,
        .m0009DuplicateWindowOff,
        .m0010TrailingStopsAndExitFailures,
        .m0011WriteAccountChanges,
        .m0012SignalOrderFields,
        .m0013ClaimOutbox,
        .m0014LockAccountSnapshot,
        .m0015JobRunFence,
        .m0016RetentionIndexes,
        .m0017SignalSequences,
        .m0018TradeIDsAsText,
        .m0019ClientIDDecides,
        .m0020SignalBridgeFields,
        .m0021DefaultOrderNotional,
        .m0022SignalNotional,
        .m0023Webhooks,
        .m0024AdminAPIKeys,
        .m0025Portfolios,
        .m0026Deposits,
        .m0027Venues,
        .m0028Experiments,
    ]
}
