import Foundation
import Synchronization

/// The failure alarms of one process's workers (stream consumers, scheduled jobs, the outbox relay, ...), by worker
/// name. A loop reports each failure and success here; raising and resolving are handed on as `notices`, which the
/// runtime's alert publisher sends. Reporting takes a lock for a dictionary lookup and never waits on a database or
/// Redis, so an alarm cannot slow or stop the worker it watches.
public final class WorkerAlarms: Sendable {
    /// An alarm that changed state.
    public struct Notice: Sendable, Equatable {
        public var worker: String
        public var transition: FailureAlarm.Transition
    }

    /// Error text beyond this is cut: a first and last error are for reading, not for replaying.
    static let maximumErrorLength = 500

    public let settings: AlertSettings
    /// Raised and resolved alarms, in order; read by one publisher.
    public let notices: AsyncStream<Notice>
    private let continuation: AsyncStream<Notice>.Continuation
    private let alarms = Mutex<[String: FailureAlarm]>([:])

    public init(settings: AlertSettings) {
        self.settings = settings
        // Notices come once per episode; the bound only matters if nothing reads them.
        (notices, continuation) = AsyncStream.makeStream(of: Notice.self, bufferingPolicy: .bufferingNewest(1_000))
    }

    /// Counts a failure of `worker`. The error is kept as its diagnosis (`DiagnosableError`): what failed, never a
    /// bound value.
    public func failed(_ worker: String, error: any Error, owner: UUID? = nil, at time: Date = Date()) {
        failed(worker, reason: "\(type(of: error)): \(diagnosis(of: error))", owner: owner, at: time)
    }

    /// Counts a failure of `worker` described by `reason`, which must name what failed without bound values or secrets.
    public func failed(_ worker: String, reason: String, owner: UUID? = nil, at time: Date = Date()) {
        let failure = FailureAlarm.Failure(at: time, error: String(reason.prefix(Self.maximumErrorLength)), owner: owner)
        let transition = alarms.withLock { alarms in
            alarms[worker, default: FailureAlarm(threshold: settings.failures, window: settings.window)].recordFailure(failure)
        }
        if let transition { continuation.yield(Notice(worker: worker, transition: transition)) }
    }

    /// Counts a success of `worker`: the end of its episode, if it was in one.
    public func succeeded(_ worker: String, at time: Date = Date()) {
        // A worker that never failed has no alarm, and gets none here.
        let transition = alarms.withLock { $0[worker]?.recordSuccess(at: time) }
        if let transition { continuation.yield(Notice(worker: worker, transition: transition)) }
    }

    /// Ends the episodes of workers that have not failed for a whole window.
    public func resolveQuiet(at time: Date = Date()) {
        let resolved = alarms.withLock { alarms in
            alarms.keys.sorted().compactMap { worker in
                alarms[worker]?.resolveIfQuiet(at: time).map { Notice(worker: worker, transition: $0) }
            }
        }
        for notice in resolved { continuation.yield(notice) }
    }

    /// The workers in an episode now, by name.
    public var alerting: [String] {
        alarms.withLock { alarms in alarms.filter(\.value.isAlerting).keys.sorted() }
    }

    /// Ends `notices` once what is queued has been read: the process is stopping.
    public func finishNotices() {
        continuation.finish()
    }
}
