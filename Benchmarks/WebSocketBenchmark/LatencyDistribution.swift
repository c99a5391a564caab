import Foundation

/// Latencies in nanoseconds, sorted once, read by nearest rank.
struct LatencyDistribution {
    private let sorted: [UInt64]

    init(_ values: [UInt64]) { sorted = values.sorted() }

    var count: Int { sorted.count }

    /// The `fraction` quantile in milliseconds, nil without samples.
    func milliseconds(at fraction: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((Double(sorted.count) * fraction).rounded(.up)) - 1
        return Double(sorted[min(sorted.count - 1, max(0, rank))]) / 1e6
    }

    /// `p50`, `p99` and `max` as `name_p50_ms 1.23` lines (`-` without samples).
    func lines(_ name: String) -> [String] {
        [("p50", 0.5), ("p99", 0.99), ("max", 1.0)].map { label, fraction in
            "\(name)_\(label)_ms \(milliseconds(at: fraction).map { String(format: "%.2f", $0) } ?? "-")"
        }
    }
}
