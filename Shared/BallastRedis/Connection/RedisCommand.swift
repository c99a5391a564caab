/// One command with its arguments packed into a single buffer, ready for `redisAppendCommandArgv`.
public struct RedisCommand: Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var lengths: [Int] = []

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
        String(decoding: bytes.prefix(lengths.first ?? 0), as: UTF8.self)
    }
}
