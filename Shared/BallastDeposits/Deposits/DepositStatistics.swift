/// Deposits counted and summed per chain, asset and status (`GET /api/v1/deposits/stats`, `deposits.stats`).
public struct DepositStatistics: Encodable, Sendable, Equatable {
    public struct Group: Encodable, Sendable, Equatable {
        public var chain: String
        public var asset: String
        /// Per status: how many, and their total as exact text.
        public var count: [String: Int] = [:]
        public var amount: [String: String] = [:]
    }

    public var groups: [Group] = []
    public var total = 0
    /// Neither credited nor failed a day (`stuckAfter`) after they were seen.
    public var stuck = 0

    mutating func add(chain: String, asset: String, status: DepositStatus, count: Int, total: String) {
        if groups.last?.chain != chain || groups.last?.asset != asset { groups.append(Group(chain: chain, asset: asset)) }
        groups[groups.count - 1].count[status.rawValue] = count
        groups[groups.count - 1].amount[status.rawValue] = total
        self.total += count
    }
}
