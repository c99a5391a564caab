/// The commands `RedisClient` sends again after a lost reply, because running them twice changes
/// nothing that running them once did not (see `RedisCommand.isIdempotent`).
///
/// A resent command's reply may still differ from the first one's: `XACK` counts only what the second
/// run acknowledged. A resent plain `SET` is last-writer-wins: it can put back a value another client
/// replaced in between, which is right only for caches and marks that any writer may overwrite. Never
/// resent: `DEL` and `UNLINK` (a second run could delete a key another client created in between, such
/// as a lock), `INCR` and the like (counted twice), `XADD` (appended twice),
/// `SET` with `NX`, `XX` or `GET` (the second run sees the first one's value), `XREADGROUP`, `XCLAIM`
/// and `XAUTOCLAIM` (deliver entries, raise delivery counts), `XGROUP DELCONSUMER` and any `EVAL`
/// not declared idempotent by its builder.
enum IdempotentCommands {
    /// Commands that are idempotent whatever their arguments.
    static let names: Set<String> = [
        // Reads.
        "GET", "MGET", "EXISTS", "TTL", "PTTL", "TYPE", "STRLEN", "PING",
        "XLEN", "XRANGE", "XREVRANGE", "XPENDING", "XINFO",
        // Writes whose second run finds the work done.
        "EXPIRE", "PEXPIRE", "PERSIST", "XACK",
    ]

    /// `SET` options that make the outcome depend on the value already there.
    static let conditionalSetOptions: Set<String> = ["NX", "XX", "GET"]

    static func covers(_ command: RedisCommand) -> Bool {
        let name = command.name.uppercased()
        if names.contains(name) { return true }
        switch name {
        case "SET":
            // Options follow the key and the value; a value that reads "NX" is not an option.
            return !(3..<command.argumentCount).contains { index in
                conditionalSetOptions.contains(command.argument(at: index)?.uppercased() ?? "")
            }
        case "XGROUP":
            // A second CREATE fails with BUSYGROUP, which `ConsumerGroups.create` counts as success.
            return command.argument(at: 1)?.uppercased() == "CREATE"
        default:
            return false
        }
    }
}
