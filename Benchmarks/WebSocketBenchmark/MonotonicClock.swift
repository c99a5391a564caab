import Foundation

/// One clock for the publisher, the stream watcher and every subscriber of this process: CLOCK_MONOTONIC in
/// nanoseconds, cheap enough to read once per frame and comparable across threads.
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
