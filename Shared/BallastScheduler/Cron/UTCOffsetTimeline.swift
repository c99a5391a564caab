import BallastCore
import Foundation
import Synchronization

/// A time zone's UTC offsets as the sorted instants where they change, so that cron searches look offsets up
/// with a binary search instead of a call into Foundation for every candidate.
///
/// Built once per zone and process, for 1900 through 2399; before 1900 the zone's 1900 offset applies, after 2399 its last one.
final class UTCOffsetTimeline: Sendable {
    /// `starts[i]` is the first instant (seconds since 1970 UTC) at which `offsets[i]` applies; `starts[0]` is `Int64.min`.
    let starts: [Int64]
    /// Seconds east of UTC.
    let offsets: [Int64]
    /// Set when the offset never changes in the covered years, as in UTC, so searches can skip the lookups.
    let fixedOffset: Int64?

    private static let covered: Range<Int64> = -2_208_988_800..<13_569_465_600
    private static let built = Mutex<[String: UTCOffsetTimeline]>([:])

    static func timeline(for zone: TimeZone) -> UTCOffsetTimeline {
        if let known = built.withLock({ $0[zone.identifier] }) { return known }
        let timeline = UTCOffsetTimeline(zone)
        return built.withLock { known in
            if let earlier = known[zone.identifier] { return earlier }
            known[zone.identifier] = timeline
            return timeline
        }
    }

    private init(_ zone: TimeZone) {
        var cursor = Date(epochSeconds: Self.covered.lowerBound)
        var starts: [Int64] = [.min]
        var offsets = [Int64(zone.secondsFromGMT(for: cursor))]
        let end = Date(epochSeconds: Self.covered.upperBound)
        while let transition = zone.nextDaylightSavingTimeTransition(after: cursor), transition > cursor, transition < end {
            let offset = Int64(zone.secondsFromGMT(for: transition))
            if offset != offsets[offsets.count - 1] {
                starts.append(transition.epochSeconds)
                offsets.append(offset)
            }
            cursor = transition
        }
        self.starts = starts
        self.offsets = offsets
        fixedOffset = offsets.count == 1 ? offsets[0] : nil
    }

    /// The index of the interval, `starts[i] ..< starts[i + 1]`, that holds `instant`.
    func interval(containing instant: Int64) -> Int {
        var low = 0
        var high = starts.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if starts[middle] <= instant { low = middle } else { high = middle }
        }
        return low
    }
}
