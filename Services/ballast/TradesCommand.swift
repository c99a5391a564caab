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
                CSV as RFC 4180 writes it (lines ending in CRLF or LF, quoted fields, an optional UTF-8 byte order \
                mark). The first line is the header \(TradeCSV.header), its columns in any order; timestamps in \
                epoch milliseconds or RFC 3339; trade ids are text, 1 to 64 visible ASCII characters. \
                A bad line is reported with its number and the reason, and skipped; the counts are printed at the end. \
                A line may hold 64 KiB; a quote that is never closed makes its own line bad, and the next lines are read. \
                Exit codes: 0 when every line was published, 3 when lines were skipped, 2 when the file cannot be read \
                or has no header, 1 when Redis fails. \
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
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw CommandFailure.exit("cannot read \(file): no such file or not readable", code: 2)
            }
            defer { try? handle.close() }
            let producer = try makeStreamProducer()
            var reader = TradeFileReader()
            var batch: [Envelope] = []
            var published = 0
            var skipped = 0
            var previousTime: Int64?
            while true {
                let chunk: Data
                let lines: [TradeFileReader.Line]
                do {
                    chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
                    if chunk.isEmpty {
                        lines = try reader.finish()
                    } else {
                        lines = try chunk.withUnsafeBytes { bytes in Result { () throws(TradeCSVError) in try reader.read(bytes) } }.get()
                    }
                } catch let error as TradeCSVError {
                    throw CommandFailure.exit("\(file): \(error)", code: 2)
                } catch {
                    throw CommandFailure.exit("cannot read \(file): \(error.localizedDescription)", code: 2)
                }
                for line in lines {
                    switch line.trade {
                    case .failure(let error):
                        skipped += 1
                        FileHandle.standardError.write(Data("\(file):\(line.number): \(error); skipped\n".utf8))
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
                if chunk.isEmpty { break }
            }
            try await flush(&batch, to: producer, count: &published)
            print("published \(published) trades to \(StreamName.trades); skipped \(skipped) bad lines")
            if skipped > 0 { throw ExitCode(Self.skippedLinesExitCode) }
        }

        /// Read at a time: the file is streamed, never held whole.
        static let chunkSize = 1 << 20
        /// The exit code when lines were skipped (the others were published): 0 means every line was published.
        static let skippedLinesExitCode: Int32 = 3

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
