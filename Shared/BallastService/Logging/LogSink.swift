/// Where finished log lines end up. Production writes file descriptor 1; tests pass a pipe or a slow sink.
public protocol LogSink: Sendable {
    /// Writes all of `bytes`, blocking as long as it takes; false when they could not be written.
    func write(_ bytes: [UInt8]) -> Bool
}
