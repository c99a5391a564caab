import BallastCore
import Foundation
import Synchronization

/// Kraken's nonces for one API key: each above the last one the key used, or Kraken answers `EAPI:Invalid nonce`.
/// The wall clock in milliseconds (as Kraken's own example counts) keeps nonces above those of an earlier run of the
/// process; `last + 1` keeps them increasing when calls come faster than the clock ticks or the clock steps back.
public final class KrakenNonceSource: Sendable {
    private let last: Mutex<UInt64>
    private let now: @Sendable () -> UInt64

    /// `now` gives the time in milliseconds since 1970; tests pass a fixed or stepping clock.
    public init(now: @escaping @Sendable () -> UInt64 = KrakenNonceSource.wallClockMilliseconds) {
        self.now = now
        last = Mutex(0)
    }

    /// The next nonce: above every nonce this source gave before, whichever thread asks.
    public func next() -> UInt64 {
        let time = now()
        return last.withLock { last in
            last = max(time, last + 1)
            return last
        }
    }

    @Sendable public static func wallClockMilliseconds() -> UInt64 {
        UInt64(max(0, Date().epochMilliseconds))
    }
}
