import BallastCore
import CHiredis
import Foundation

/// One hiredis connection, owned by its own thread.
///
/// Every call runs on that thread: commands from concurrent tasks are serialized, a pipeline is sent
/// and read back as one job. A connection found closed before a command is written (after a Redis
/// restart, say) is replaced at once, unseen by the caller; one that breaks or times out once the
/// command is written is dropped, the caller gets `.replyLost`, and the next call reconnects.
public final class RedisConnection: Sendable {
    public let endpoint: RedisEndpoint
    private let thread: BlockingThread
    private let context: HiredisContext

    /// - Parameter commandTimeout: the socket read/write timeout; blocking reads (`XREADGROUP ... BLOCK`)
    ///   need a connection whose timeout is longer than their block time.
    public init(endpoint: RedisEndpoint, name: String, connectTimeout: Duration = .seconds(2), commandTimeout: Duration) {
        self.endpoint = endpoint
        self.thread = BlockingThread(name: "redis-\(name)")
        self.context = HiredisContext(endpoint: endpoint, connectTimeout: connectTimeout, commandTimeout: commandTimeout)
    }

    deinit {
        let context = self.context
        thread.stop { context.disconnect() }
    }

    /// Sends one command; an error reply is thrown as `RedisError.server`.
    @discardableResult
    public func send(_ command: RedisCommand) async throws(RedisError) -> RedisReply {
        let context = self.context
        let replies = try await thread.run { () throws(RedisError) in try context.execute([command]) }
        return try replies[0].checked()
    }

    /// Sends all commands before reading any reply (one round trip); error replies stay in the result.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        let context = self.context
        return try await thread.run { () throws(RedisError) in try context.execute(commands) }
    }
}

/// The hiredis context of one connection; touched only from its connection's thread.
private final class HiredisContext: @unchecked Sendable {
    private let endpoint: RedisEndpoint
    private let connectTimeout: timeval
    private let commandTimeout: timeval
    private var context: UnsafeMutablePointer<redisContext>?

    init(endpoint: RedisEndpoint, connectTimeout: Duration, commandTimeout: Duration) {
        self.endpoint = endpoint
        self.connectTimeout = Self.makeTimeval(connectTimeout)
        self.commandTimeout = Self.makeTimeval(commandTimeout)
    }

    /// Writes every command, then reads every reply. Where it fails decides the error: before anything
    /// was written, `.connectionLost` (nothing ran); after, `.replyLost` (some commands may have run).
    func execute(_ commands: [RedisCommand]) throws(RedisError) -> [RedisReply] {
        let context = try connected()
        for command in commands {
            let status = command.bytes.withUnsafeBufferPointer { buffer in
                Self.append(command, buffer: buffer, to: context)
            }
            // Appending only fills hiredis's output buffer; nothing has gone out yet.
            if status != REDIS_OK { throw .connectionLost(drop(context)) }
        }
        var isWritten: Int32 = 0
        var hasWritten = false
        while isWritten == 0 {
            guard redisBufferWrite(context, &isWritten) == REDIS_OK else {
                // A failed write sends nothing; only an earlier, partial one may have reached Redis.
                let reason = drop(context)
                throw hasWritten ? .replyLost(reason) : .connectionLost(reason)
            }
            hasWritten = true
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
                throw .replyLost(drop(context))
            }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            replies.append(Self.copy(reply))
            freeReplyObject(raw)
        }
        return replies
    }

    func disconnect() {
        if let context { redisFree(context) }
        context = nil
    }

    private func connected() throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        if let context {
            if Self.isOpen(context) { return context }
            // Closed while idle, as every connection is when Redis restarts: nothing was written on it for
            // this call, so a new connection serves it and the caller never sees the old one's end.
            disconnect()
        }
        guard let fresh = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), connectTimeout) else {
            throw .connectionFailed("out of memory")
        }
        if fresh.pointee.err != 0 { throw .connectionFailed("\(endpoint.host):\(endpoint.port): \(drop(fresh))") }
        redisSetTimeout(fresh, commandTimeout)
        _ = redisEnableKeepAlive(fresh)
        // Keep the reply buffer between replies: by default hiredis frees it once it is idle and over
        // 16 KiB, so every large XREADGROUP reply paid for growing a fresh one.
        fresh.pointee.reader.pointee.maxbuf = 0
        context = fresh
        var setup: [RedisCommand] = []
        if let password = endpoint.password { setup.append(RedisCommand("AUTH", password.value)) }
        if endpoint.database != 0 { setup.append(RedisCommand("SELECT", String(endpoint.database))) }
        if !setup.isEmpty {
            // The caller's command has not been written yet: whatever fails here, it did not run.
            let replies: [RedisReply]
            do {
                replies = try execute(setup)
            } catch {
                throw .connectionFailed("\(endpoint.host):\(endpoint.port): \(error)")
            }
            for reply in replies {
                if case .error(let message) = reply {
                    disconnect()
                    throw .connectionFailed(message)
                }
            }
        }
        return fresh
    }

    /// Whether an idle connection is still open. Nothing is due on an idle connection, so anything
    /// waiting to be read (the end of the stream, a reset, stray bytes) means it cannot be used.
    private static func isOpen(_ context: UnsafeMutablePointer<redisContext>) -> Bool {
        var byte: UInt8 = 0
        let received = recv(context.pointee.fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
    }

    /// Frees a context that failed and says why, so the next call starts a new connection.
    private func drop(_ failed: UnsafeMutablePointer<redisContext>) -> String {
        let reason = withUnsafeBytes(of: failed.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        redisFree(failed)
        if context == failed { context = nil }
        return reason.isEmpty ? "I/O error" : reason
    }

    private static func append(
        _ command: RedisCommand,
        buffer: UnsafeBufferPointer<UInt8>,
        to context: UnsafeMutablePointer<redisContext>
    ) -> Int32 {
        // An all-empty command has no buffer; any valid address does for zero-length arguments.
        let base = UnsafeRawPointer(buffer.baseAddress) ?? UnsafeRawPointer(bitPattern: 1)!
        var offset = 0
        var arguments: [UnsafePointer<CChar>?] = []
        arguments.reserveCapacity(command.lengths.count)
        for length in command.lengths {
            arguments.append((base + offset).assumingMemoryBound(to: CChar.self))
            offset += length
        }
        let sizes = command.lengths.map { size_t($0) }
        return arguments.withUnsafeMutableBufferPointer { argv in
            redisAppendCommandArgv(context, Int32(argv.count), argv.baseAddress, sizes)
        }
    }

    private static func copy(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            return .string(text(value))
        case REDIS_REPLY_STATUS:
            return .status(text(value))
        case REDIS_REPLY_ERROR:
            return .error(text(value))
        case REDIS_REPLY_INTEGER:
            return .integer(Int(value.integer))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(value.elements)
            for index in 0..<value.elements {
                if let element = value.element[index] { elements.append(copy(element)) }
            }
            return .array(elements)
        default:
            return .null
        }
    }

    private static func text(_ reply: redisReply) -> String {
        guard let pointer = reply.str else { return "" }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: reply.len)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func makeTimeval(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = duration.components
        return timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
