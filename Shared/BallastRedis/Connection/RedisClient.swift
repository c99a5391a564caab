import BallastCore
import Synchronization

/// A small pool of Redis connections for short commands, and the factory for dedicated ones.
///
/// Commands are spread round-robin over the pool; each connection serializes its own commands on its
/// thread. Blocking reads (`XREADGROUP ... BLOCK`) must use `makeDedicatedConnection` so that they never
/// hold up other callers.
public final class RedisClient: Sendable {
    public let endpoint: RedisEndpoint
    private let connections: [RedisConnection]
    private let nextConnection = Atomic<Int>(0)
    private let commandTimeout: Duration

    public init(endpoint: RedisEndpoint, poolSize: Int = 2, commandTimeout: Duration = .seconds(5)) {
        precondition(poolSize > 0, "a Redis pool needs at least one connection")
        self.endpoint = endpoint
        self.commandTimeout = commandTimeout
        self.connections = (0..<poolSize).map { index in
            RedisConnection(endpoint: endpoint, name: "pool-\(index)", commandTimeout: commandTimeout)
        }
    }

    /// Sends one command. When its connection breaks before the command is written, it is sent once
    /// more; when the reply is lost after, only an idempotent command is (`RedisCommand.isIdempotent`),
    /// and any other throws `.replyLost`: it may have run.
    @discardableResult
    public func send(_ command: RedisCommand) async throws(RedisError) -> RedisReply {
        let connection = pickConnection()
        do {
            return try await connection.send(command)
        } catch .connectionLost {
            return try await connection.send(command)
        } catch .replyLost where command.isIdempotent {
            return try await connection.send(command)
        }
    }

    @discardableResult
    public func send(_ arguments: String...) async throws(RedisError) -> RedisReply {
        try await send(RedisCommand(arguments))
    }

    /// Sends the commands in one round trip; error replies stay in the result, in order. Sent again as
    /// `send` would: after a lost reply, only when every command is idempotent.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RedisReply] {
        let connection = pickConnection()
        do {
            return try await connection.pipeline(commands)
        } catch .connectionLost {
            return try await connection.pipeline(commands)
        } catch .replyLost where commands.allSatisfy(\.isIdempotent) {
            return try await connection.pipeline(commands)
        }
    }

    /// A connection of its own, for blocking reads; its timeout must exceed the longest block.
    public func makeDedicatedConnection(name: String, commandTimeout: Duration) -> RedisConnection {
        RedisConnection(endpoint: endpoint, name: name, commandTimeout: commandTimeout)
    }

    /// True when Redis answers `PING`.
    public func isReachable() async -> Bool {
        (try? await send("PING"))?.string == "PONG"
    }

    private func pickConnection() -> RedisConnection {
        let index = nextConnection.wrappingAdd(1, ordering: .relaxed).oldValue
        return connections[index % connections.count]
    }
}
