import BallastDeposits
import Metrics

/// The deposits service's metrics (`/metrics` on its admin port).
enum DepositsMetrics {
    static func scanned(_ outcome: ChainScanner.Outcome, chain: String) {
        let dimensions = [("chain", chain)]
        Gauge(label: "ballast_chain_node_height", dimensions: dimensions).record(outcome.tip.height)
        Gauge(label: "ballast_chain_scanned_height", dimensions: dimensions).record(outcome.cursor.height)
        Counter(label: "ballast_chain_blocks_scanned_total", dimensions: dimensions).increment(by: outcome.blocksScanned)
        Counter(label: "ballast_deposits_detected_total", dimensions: dimensions).increment(by: outcome.detected)
        Counter(label: "ballast_deposits_failed_total", dimensions: dimensions + [("reason", "reorg")]).increment(by: outcome.orphansFailed)
        for reorganisation in outcome.reorganisations {
            Counter(label: "ballast_chain_reorgs_total", dimensions: dimensions).increment()
            Counter(label: "ballast_deposits_reversed_total", dimensions: dimensions).increment(by: reorganisation.reversed.count)
            if reorganisation.deeperThanConfirmations {
                Counter(label: "ballast_chain_deep_reorgs_total", dimensions: dimensions).increment()
            }
        }
    }

    static func nodeFailed(chain: String, kind: String) {
        Counter(label: "ballast_chain_scan_failures_total", dimensions: [("chain", chain), ("kind", kind)]).increment()
    }

    static func confirmed(_ outcome: DepositStore.ConfirmationOutcome, chain: String) {
        Counter(label: "ballast_deposits_confirmed_total", dimensions: [("chain", chain)]).increment(by: outcome.confirmed)
    }

    static func credited(_ outcome: DepositStore.CreditOutcome) {
        Counter(label: "ballast_deposits_credited_total").increment(by: outcome.credited)
        Counter(label: "ballast_deposits_failed_total", dimensions: [("reason", "no_account")]).increment(by: outcome.failed)
    }

    static func statistics(_ statistics: DepositStatistics) {
        for group in statistics.groups {
            for status in DepositStatus.allCases {
                Gauge(label: "ballast_deposits", dimensions: [("chain", group.chain), ("asset", group.asset), ("status", status.rawValue)])
                    .record(group.count[status.rawValue] ?? 0)
            }
        }
        stuck(statistics.stuck)
    }

    static func stuck(_ count: Int) {
        Gauge(label: "ballast_deposits_stuck").record(count)
    }

    static func pool(chain: String, free: Int) {
        Gauge(label: "ballast_deposit_addresses_free", dimensions: [("chain", chain)]).record(free)
    }
}
