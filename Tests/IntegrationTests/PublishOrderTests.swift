import Synchronization
import Testing

@testable import MarketData

@Suite("market-data publishes batches in reading order")
struct PublishOrderTests {
    @Test("a batch that commits first waits for the batch read before it; one whose predecessor is stuck goes after its patience")
    func readingOrder() async throws {
        let order = PublishOrder(patience: .seconds(5))
        let first = PublishOrder.BatchKey(entryID: "100-0")
        let second = PublishOrder.BatchKey(entryID: "100-1")
        order.enter(first)
        order.enter(second)
        let published = Mutex<[String]>([])
        // The second batch is ready first.
        let waiting = Task {
            await order.waitForTurn(second)
            published.withLock { $0.append("second") }
            order.leave(second)
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(published.withLock { $0 }.isEmpty)
        await order.waitForTurn(first)
        published.withLock { $0.append("first") }
        order.leave(first)
        await waiting.value
        #expect(published.withLock { $0 } == ["first", "second"])

        // A batch read and never handled holds up the next one for its patience, and no other after it.
        let impatient = PublishOrder(patience: .milliseconds(300))
        let third = PublishOrder.BatchKey(entryID: "100-2")
        impatient.enter(first)
        impatient.enter(second)
        impatient.enter(third)
        let start = ContinuousClock.now
        await impatient.waitForTurn(second)
        #expect(ContinuousClock.now - start >= .milliseconds(250))
        impatient.leave(second)
        let later = ContinuousClock.now
        await impatient.waitForTurn(third)
        #expect(ContinuousClock.now - later < .milliseconds(200))
        impatient.leave(third)
    }
}
