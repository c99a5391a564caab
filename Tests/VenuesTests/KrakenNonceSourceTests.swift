import BallastVenues
import Synchronization
import Testing

@Suite struct KrakenNonceSourceTests {
    @Test func concurrentCallersGetDistinctIncreasingNonces() async {
        // A clock that never moves: every nonce after the first comes from `last + 1`.
        let source = KrakenNonceSource(now: { 1_700_000_000_000 })
        let perTask = 200
        let lists = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<16 { group.addTask { (0..<perTask).map { _ in source.next() } } }
            var lists: [[UInt64]] = []
            for await list in group { lists.append(list) }
            return lists
        }
        for list in lists { #expect(list == list.sorted() && Set(list).count == list.count) }
        let all = lists.flatMap { $0 }.sorted()
        #expect(all == Array(1_700_000_000_000..<(1_700_000_000_000 + UInt64(16 * perTask))))
    }

    @Test func aClockSteppingBackDoesNotLowerTheNonce() {
        let times = Mutex<[UInt64]>([5_000, 9_000, 4_000, 9_000, 12_000])
        let source = KrakenNonceSource(now: { times.withLock { $0.removeFirst() } })
        #expect((0..<5).map { _ in source.next() } == [5_000, 9_000, 9_001, 9_002, 12_000])
    }

    @Test func theWallClockCountsMilliseconds() {
        // Kraken's example nonce (1616492376594) is milliseconds: a later time has 13 digits too.
        #expect(String(KrakenNonceSource.wallClockMilliseconds()).count == 13)
    }
}
