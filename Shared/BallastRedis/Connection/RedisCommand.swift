/// One command with its arguments packed into a single buffer, ready for `redisAppendCommandArgv`.
public struct RedisCommand: Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var lengths: [Int] = []
    private var isDeclaredIdempotent = false

    public init(_ arguments: String...) {
        self.init(arguments)
    }

    public init(_ arguments: [String]) {
        bytes.reserveCapacity(arguments.reduce(0) { $0 + $1.utf8.count })
        lengths.reserveCapacity(arguments.count)
        for argument in arguments { append(argument) }
    }

    public mutating func append(_ argument: String) {
        bytes.append(contentsOf: argument.utf8)
        lengths.append(argument.utf8.count)
    }

    public mutating func append(contentsOf arguments: some Sequence<String>) {
        for argument in arguments { append(argument) }
    }

    /// The command name, for error messages (arguments may hold secrets and are never logged).
    public var name: String {
        argument(at: 0) ?? ""
    }

    /// Whether running this command twice leaves Redis as running it once does, so that `RedisClient`
    /// may send it again when its reply was lost. `IdempotentCommands` lists the commands that are; an
    /// `EVAL` is only when its builder says so (`declaringIdempotent()`).
    public var isIdempotent: Bool {
        isDeclaredIdempotent || IdempotentCommands.covers(self)
    }

    /// This command, declared safe to run twice: for a script whose effect does not depend on how many
    /// times it runs, such as a compare-and-set on a token.
    public func declaringIdempotent() -> RedisCommand {
        var command = self
        command.isDeclaredIdempotent = true
        return command
    }

    var argumentCount: Int { lengths.count }

    /// The argument at `index` as text; nil past the end.
    func argument(at index: Int) -> String? {
        guard index < lengths.count else { return nil }
        let start = lengths[..<index].reduce(0, +)
        return String(decoding: bytes[start..<start + lengths[index]], as: UTF8.self)
    }
}
