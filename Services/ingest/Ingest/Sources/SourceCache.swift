import Foundation
import Synchronization

/// Webhook sources (from `SignalSourceStore`) looked up in the last second, so a burst of alerts costs one query, not one each.
///
/// This instance forgets a source at once when the API rotates its secret or deletes it; other ingest
/// instances notice within `timeToLive`. Only found sources are kept: unknown ids always reach the
/// database, so random ids cannot fill the cache.
final class SourceCache: Sendable {
    enum Key: Hashable {
        case defaultSource
        case id(UUID)
    }

    private struct Entry {
        var source: SignalSource
        var expires: ContinuousClock.Instant
    }

    let store: SignalSourceStore
    let timeToLive: Duration
    private let entries = Mutex<[Key: Entry]>([:])
    /// Above this many entries the cache starts again empty rather than grow without bound.
    private static let capacity = 10_000

    init(store: SignalSourceStore, timeToLive: Duration = .seconds(1)) {
        self.store = store
        self.timeToLive = timeToLive
    }

    func source(id: UUID) async throws -> SignalSource? {
        try await source(.id(id), load: { try await store.source(id: id) })
    }

    func defaultSource() async throws -> SignalSource? {
        try await source(.defaultSource, load: { try await store.defaultSource() })
    }

    /// The cached source under `key`, or the one `load` finds (then cached).
    private func source(_ key: Key, load: () async throws -> SignalSource?) async throws -> SignalSource? {
        let now = ContinuousClock.now
        if let cached = entries.withLock({ $0[key] }), cached.expires > now {
            return cached.source
        }
        guard let source = try await load() else { return nil }
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(source: source, expires: now + timeToLive)
        }
        return source
    }

    /// Forgets every source of `user`, whose experiments changed.
    func forget(user: UUID) {
        entries.withLock { entries in entries = entries.filter { $0.value.source.userID != user } }
    }

    func forget(_ id: UUID) {
        entries.withLock { entries in
            entries[.id(id)] = nil
            if entries[.defaultSource]?.source.id == id { entries[.defaultSource] = nil }
        }
    }
}
