import ArgumentParser
import BallastCore
import BallastMarket
import BallastRedis
import Foundation

struct TradesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trades",
        abstract: "Trades on ballast:trades.",
        subcommands: [Replay.self]
    )

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish the trades of a CSV file to ballast:trades.",
            discussion: """
                The file starts with the header \(TradeCSV.header); timestamps in epoch milliseconds or RFC 3339. \
                A bad line is reported with its number and skipped; the counts are printed at the end. \
                Replaying a file twice changes nothing: market-data keeps one trade per (symbol, trade_id).
                """
        )

        @Argument(help: "The CSV file.")
        var file: String

        @Option(help: "Replay at this multiple of the original pace (the gaps between the trades' timestamps).")
        var speed = "1"

        @Flag(help: "Publish as fast as Redis takes them, in batches of 1,000.")
        var asFastAsPossible = false

        func validate() throws {
            guard pace != nil else { throw ValidationError("--speed must be a positive number, got '\(speed)'") }
        }

        /// `--speed` read exactly.
        private var pace: Decimal? { ExactDecimal.parse(speed).flatMap { $0 > 0 ? $0 : nil } }

        /// The pause before a trade `gap` milliseconds after the previous one, at `--speed`.
        private func pause(afterGap gap: Int64) -> Duration {
            let nanoseconds = Decimal(gap) * 1_000_000 / (pace ?? 1)
            return .nanoseconds(NSDecimalNumber(decimal: nanoseconds).int64Value)
        }

        func run() async throws {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw CommandFailure.exit("cannot read \(file): \(error.localizedDescription)", code: 2)
            }
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
            guard let header = lines.popFirst(), header.trimmingCharacters(in: .whitespacesAndNewlines) == TradeCSV.header else {
                throw CommandFailure.exit("\(file): the first line must be the header \(TradeCSV.header)", code: 2)
            }
            let producer = try makeStreamProducer()
            var batch: [Envelope] = []
            var published = 0
            var skipped = 0
            var previousTime: Int64?
            for (offset, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                switch TradeCSV.trade(from: line) {
                case .failure(let error):
                    skipped += 1
                    FileHandle.standardError.write(Data("\(file):\(offset + 2): \(error); skipped\n".utf8))
                case .success(let trade):
                    if !asFastAsPossible, let previousTime, trade.time > previousTime {
                        try await flush(&batch, to: producer, count: &published)
                        try await Task.sleep(for: pause(afterGap: trade.time - previousTime))
                    }
                    previousTime = trade.time
                    batch.append(TradeMessage.envelope(for: trade))
                    if batch.count == 1_000 { try await flush(&batch, to: producer, count: &published) }
                }
            }
            try await flush(&batch, to: producer, count: &published)
            print("published \(published) trades to \(StreamName.trades); skipped \(skipped) bad lines")
            if published == 0 && skipped > 0 { throw ExitCode(1) }
        }

        private func flush(_ batch: inout [Envelope], to producer: StreamProducer, count: inout Int) async throws {
            guard !batch.isEmpty else { return }
            do {
                _ = try await producer.publish(batch.map { (StreamName.trades, $0) })
            } catch {
                throw CommandFailure.exit("cannot publish to Redis: \(error)", code: 1)
            }
            count += batch.count
            batch.removeAll(keepingCapacity: true)
        }
    }
}
