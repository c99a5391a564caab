/// `ballast-bench-websocket run` options: where the subscribers connect, how many, and how fast trades arrive.
struct ScenarioOptions {
    /// The server's base URL; subscribers connect to `<url>/ws/<symbol>@trade`.
    var url = "ws://127.0.0.1:8080"
    var redisURL = "redis://127.0.0.1:6379"
    var symbols = ["BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "ADA-USD", "DOGE-USD", "DOT-USD", "LTC-USD", "LINK-USD", "AVAX-USD"]
    var subscribersPerSymbol = 100
    /// Trades per second, all symbols together.
    var rate = 1_000
    var seconds = 30
    /// Also read `ballast:market:<SYMBOL>` to split the latency at market-data's stream entry.
    var watchesMarketStreams = false
    /// Processes whose CPU is reported per frame (`name=pid`, children included).
    var processes: [ProcessCPU] = []

    var trades: Int { rate * seconds }

    init(_ arguments: some Sequence<String>) throws(ScenarioError) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            if argument == "--market-streams" {
                watchesMarketStreams = true
                continue
            }
            guard let value = iterator.next() else { throw ScenarioError("\(argument) needs a value") }
            switch argument {
            case "--url": url = value.hasSuffix("/") ? String(value.dropLast()) : value
            case "--redis": redisURL = value
            case "--symbols":
                symbols = value.split(separator: ",").map(String.init)
                guard !symbols.isEmpty else { throw ScenarioError("--symbols takes BTC-USD,ETH-USD,...") }
            case "--per-symbol": subscribersPerSymbol = try Self.positive(argument, value)
            case "--rate": rate = try Self.positive(argument, value)
            case "--seconds": seconds = try Self.positive(argument, value)
            case "--cpu":
                guard let process = ProcessCPU(argument: value) else { throw ScenarioError("--cpu takes name=pid, got \(value)") }
                processes.append(process)
            default: throw ScenarioError("unknown option \(argument)")
            }
        }
    }

    private static func positive(_ name: String, _ value: String) throws(ScenarioError) -> Int {
        guard let number = Int(value), number > 0 else { throw ScenarioError("\(name) takes a positive integer, got \(value)") }
        return number
    }
}
