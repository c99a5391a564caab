/// How a consumer-group runner reads one stream.
public struct StreamConsumerConfiguration: Sendable {
    public var stream: String
    /// The consuming service's name: one group per service, shared by all its instances.
    public var group: String
    /// Unique per process (`hostname-pid`), so Redis knows which instance holds which entry.
    public var consumer: String
    /// Which of a process's consumers of this stream this is (1, 2, ...) when it runs several; names
    /// its health component.
    public var readerNumber: Int?
    /// Entries per `XREADGROUP` / `XAUTOCLAIM`.
    public var batchSize: Int = 100
    /// How long one `XREADGROUP` waits for new entries; bounds how fast a graceful stop begins.
    public var block: Duration = .seconds(1)
    /// An entry pending longer than this is presumed abandoned and claimed by another consumer.
    public var processingTimeout: Duration = .seconds(30)
    /// How often to look for abandoned entries.
    public var claimInterval: Duration = .seconds(5)
    /// Deliveries after which a failing entry moves to `<stream>:dlq`.
    public var maxDeliveries: Int = 5
    /// A consumer of the group that holds no pending entry and has been idle this long is deleted from
    /// the group at another consumer's next reclaim: the name of an instance that stopped without
    /// leaving (a crash, a kill), since names (`hostname-pid`) change with every start. On a stream
    /// quiet for that long a live consumer goes too (Redis before 7.2 counts only reads that return
    /// entries); it held nothing, and Redis adds it back with the next entry it reads.
    public var idleConsumerTimeout: Duration = .seconds(3600)

    public init(stream: String, group: String, consumer: String) {
        self.stream = stream
        self.group = group
        self.consumer = consumer
    }
}
