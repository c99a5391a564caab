import BallastCore

/// The stream commands Ballast sends, built in one place so that the code and `redis-cli` users agree.
enum StreamCommands {
    /// `XADD stream MAXLEN ~ max * field value ...`: approximate trimming keeps `XADD` O(1).
    static func add(stream: String, fields: [(String, String)], maxLength: Int) -> RedisCommand {
        var command = RedisCommand("XADD", stream, "MAXLEN", "~", String(maxLength), "*")
        for (field, value) in fields {
            command.append(field)
            command.append(value)
        }
        return command
    }

    /// Creates the group at the start of the stream (`0`), so entries written before the consuming
    /// service first started are still delivered.
    static func createGroup(stream: String, group: String) -> RedisCommand {
        RedisCommand("XGROUP", "CREATE", stream, group, "0", "MKSTREAM")
    }

    static func readGroup(stream: String, group: String, consumer: String, count: Int, block: Duration) -> RedisCommand {
        RedisCommand(
            "XREADGROUP", "GROUP", group, consumer, "COUNT", String(count),
            "BLOCK", String(block.wholeMilliseconds), "STREAMS", stream, ">"
        )
    }

    static func acknowledge(stream: String, group: String, ids: [String]) -> RedisCommand {
        var command = RedisCommand("XACK", stream, group)
        command.append(contentsOf: ids)
        return command
    }

    static func autoClaim(
        stream: String, group: String, consumer: String, minIdle: Duration, cursor: String, count: Int
    ) -> RedisCommand {
        RedisCommand(
            "XAUTOCLAIM", stream, group, consumer, String(minIdle.wholeMilliseconds), cursor, "COUNT", String(count)
        )
    }

    /// The pending-entry record of one entry (`[[id, consumer, idle ms, deliveries]]`), empty when it is
    /// not pending.
    static func pending(stream: String, group: String, id: String) -> RedisCommand {
        RedisCommand("XPENDING", stream, group, id, id, "1")
    }
}
