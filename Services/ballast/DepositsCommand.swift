import ArgumentParser
import BallastChains
import BallastCore
import BallastDeposits
import BallastUsers
import Foundation
import Logging
import PostgresNIO

struct DepositsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deposits",
        abstract: "Load the pool of deposit addresses; list, inspect and retry deposits.",
        subcommands: [ImportAddresses.self, Addresses.self, List.self, Show.self, Stats.self, Retry.self]
    )

    struct ImportAddresses: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-addresses",
            abstract: "Add addresses from your wallet to the pool users are handed addresses from (no keys: addresses only).",
            discussion: """
                FILE holds one `chain,address[,label]` per line, with an optional header line `chain,address,label`; \
                with --chain, one `address[,label]` per line. Blank lines and lines starting with # are skipped. Every \
                address is checked against its chain's format; one bad line and nothing is imported. Addresses already \
                in the pool are left as they are, so a file can be imported again.
                """)

        @Argument(help: "The file of addresses.")
        var file: String

        @Option(help: "The chain of every address in the file (then each line is an address).")
        var chain: String?

        @Option(help: "bitcoin or ethereum: the form of the addresses, for a chain Ballast has no defaults for.")
        var kind: String?

        func run() async throws {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw CommandFailure.exit("cannot read \(file): \(error.localizedDescription)", code: 2)
            }
            let kind = try self.kind.map { text in
                guard let kind = ChainKind(rawValue: text.lowercased()) else {
                    throw CommandFailure.exit("invalid --kind '\(text)': expected bitcoin or ethereum", code: 2)
                }
                return kind
            }
            let addresses: [DepositAddress]
            switch AddressFile.parse(text, chain: chain, kind: kind) {
            case .success(let parsed): addresses = parsed
            case .failure(let problem): throw CommandFailure.exit("\(file):\(problem)", code: 2)
            }
            let outcome = try await withDatabase { client, logger in
                try await DepositAddressStore(database: client, logger: logger).importAddresses(addresses)
            }
            print("imported \(outcome.imported) addresses, \(outcome.alreadyKnown) already known")
        }
    }

    struct Addresses: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A user's deposit addresses, or without --user the pool's free and assigned addresses per chain.")

        @Option(help: "The user's name or id.")
        var user: String?

        func run() async throws {
            let user = self.user
            let output = try await withDatabase { client, logger in
                let store = DepositAddressStore(database: client, logger: logger)
                guard let user else {
                    let sizes = try await store.poolSizes().sorted { $0.key < $1.key }
                    guard !sizes.isEmpty else { return "no deposit addresses: import some with `ballast deposits import-addresses`" }
                    return WebhooksCommand.table(
                        header: ["CHAIN", "FREE", "ASSIGNED"],
                        rows: sizes.map { [$0.key, String($0.value.free), String($0.value.assigned)] })
                }
                let owner = try await DepositsCommand.userID(user, client: client, logger: logger)
                let addresses = try await store.addresses(of: owner)
                guard !addresses.isEmpty else { return "\(user) has no deposit addresses" }
                return WebhooksCommand.table(
                    header: ["CHAIN", "ADDRESS", "LABEL", "ASSIGNED"],
                    rows: addresses.map { [$0.chain, $0.address, $0.label ?? "", $0.assignedAt.map(RFC3339.string(from:)) ?? ""] })
            }
            print(output)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deposits, newest first.")

        @Option(help: "Only this user's (name or id).")
        var user: String?

        @Option(help: "Only deposits in this status: \(DepositStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
        var status: String?

        @Option(help: "Only deposits on this chain.")
        var chain: String?

        @Option(help: "At most this many (1 to 1000).")
        var limit = 50

        func run() async throws {
            let status = try status.map { text in
                guard let status = DepositStatus(rawValue: text.lowercased()) else {
                    let accepted = DepositStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    throw CommandFailure.exit("invalid --status '\(text)': expected one of \(accepted)", code: 2)
                }
                return status
            }
            guard (1...1000).contains(limit) else { throw CommandFailure.exit("invalid --limit \(limit): expected 1 to 1000", code: 2) }
            let (user, chain, limit) = (self.user, self.chain?.lowercased(), self.limit)
            let deposits = try await withDatabase { client, logger in
                let owner = try await user.asyncMap { try await DepositsCommand.userID($0, client: client, logger: logger) }
                return try await DepositStore(database: client, logger: logger).list(
                    user: owner, status: status, chain: chain, limit: limit
                ).items
            }
            guard !deposits.isEmpty else { return print("no deposits") }
            print(
                WebhooksCommand.table(
                    header: ["ID", "CHAIN", "ASSET", "AMOUNT", "STATUS", "CONFIRMATIONS", "TXID:OUTPUT", "DETECTED"],
                    rows: deposits.map {
                        [
                            $0.id.uuidString.lowercased(), $0.chain, $0.asset, $0.amount, $0.status.rawValue,
                            "\($0.confirmations)/\($0.requiredConfirmations)", "\($0.txid):\($0.outputIndex)",
                            RFC3339.string(from: $0.detectedAt),
                        ]
                    }))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one deposit.")

        @Argument(help: "The deposit's id.")
        var id: String

        func run() async throws {
            let id = try DepositsCommand.depositID(self.id)
            let deposit = try await withDatabase { client, logger in
                try await DepositStore(database: client, logger: logger).deposit(id, user: nil)
            }
            guard let deposit else { throw CommandFailure.exit("no deposit with id \(self.id)", code: 1) }
            print(DepositsCommand.describe(deposit))
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deposits counted and summed per chain, asset and status.")

        func run() async throws {
            let statistics = try await withDatabase { client, logger in
                try await DepositStore(database: client, logger: logger).statistics(user: nil)
            }
            var rows: [[String]] = []
            for group in statistics.groups {
                for status in DepositStatus.allCases {
                    guard let count = group.count[status.rawValue] else { continue }
                    rows.append([group.chain, group.asset, status.rawValue, String(count), group.amount[status.rawValue] ?? ""])
                }
            }
            if !rows.isEmpty { print(WebhooksCommand.table(header: ["CHAIN", "ASSET", "STATUS", "COUNT", "AMOUNT"], rows: rows)) }
            print("\(statistics.total) deposits, \(statistics.stuck) stuck (neither credited nor failed a day after they were seen)")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a failed deposit back to where its chain data puts it (confirmed deposits are credited on the next pass).")

        @Argument(help: "The deposit's id.")
        var id: String

        func run() async throws {
            let id = try DepositsCommand.depositID(self.id)
            let outcome = try await withDatabase { client, logger in
                try await DepositStore(database: client, logger: logger).retry(id, user: nil)
            }
            switch outcome {
            case .success(let deposit):
                print("deposit \(deposit.id.uuidString.lowercased()) is \(deposit.status.rawValue) again")
            case .failure(.notFound):
                throw CommandFailure.exit("no deposit with id \(self.id)", code: 1)
            case .failure(.notFailed(let status)):
                throw CommandFailure.exit(
                    "deposit \(self.id) is \(status.rawValue), not failed: only failed deposits can be retried", code: 1)
            }
        }
    }

    /// The lines of an address file, each checked, or the first bad one as `<line>: <why>`.
    enum AddressFile {
        static func parse(_ text: String, chain fixedChain: String?, kind: ChainKind?) -> Result<[DepositAddress], Problem> {
            var addresses: [DepositAddress] = []
            var seenContent = false
            for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !line.isEmpty, !line.hasPrefix("#") else { continue }
                let number = offset + 1
                let fields = line.split(separator: ",", maxSplits: fixedChain == nil ? 2 : 1, omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                defer { seenContent = true }
                if !seenContent, fixedChain == nil,
                    fields.map({ $0.lowercased() }) == ["chain", "address", "label"]
                        || fields.map({ $0.lowercased() }) == ["chain", "address"]
                {
                    continue
                }
                let chainText: String
                let addressText: String
                let label: String?
                if let fixedChain {
                    (chainText, addressText, label) = (fixedChain, fields[0], fields.count > 1 ? fields[1] : nil)
                } else {
                    guard fields.count >= 2 else {
                        return .failure(Problem(line: number, reason: "expected chain,address[,label]"))
                    }
                    (chainText, addressText, label) = (fields[0], fields[1], fields.count > 2 ? fields[2] : nil)
                }
                guard let chain = chainName(chainText) else {
                    return .failure(Problem(line: number, reason: "'\(chainText.prefix(40))' is not a chain name (letters, digits, '-')"))
                }
                let knownKind = ChainSettings.defaultKind(of: chain)
                if let kind, let knownKind, kind != knownKind {
                    return .failure(
                        Problem(line: number, reason: "chain '\(chain)' has \(knownKind.rawValue) addresses, not \(kind.rawValue)"))
                }
                guard let chainKind = kind ?? knownKind else {
                    return .failure(
                        Problem(
                            line: number, reason: "chain '\(chain)' has no defaults: give its address form with --kind bitcoin|ethereum"))
                }
                if let label, label.count > 256 {
                    return .failure(Problem(line: number, reason: "the label is over 256 characters"))
                }
                switch DepositAddressFormat.normalized(addressText, kind: chainKind) {
                case .success(let address):
                    addresses.append(DepositAddress(chain: chain, address: address, label: label.flatMap { $0.isEmpty ? nil : $0 }))
                case .failure(let problem):
                    return .failure(Problem(line: number, reason: "\(problem) (chain \(chain))"))
                }
            }
            return .success(addresses)
        }

        static func chainName(_ text: String) -> String? {
            let name = text.lowercased()
            guard (1...32).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                return nil
            }
            return name
        }

        struct Problem: Error, CustomStringConvertible {
            var line: Int
            var reason: String
            var description: String { "\(line): \(reason)" }
        }
    }

    /// A user by name or id; an unknown one ends the command.
    static func userID(_ text: String, client: PostgresClient, logger: Logger) async throws -> UUID {
        if let id = UUID(uuidString: text) { return id }
        guard let id = try await UserStore(database: client, logger: logger).userID(named: text) else {
            throw CommandFailure.exit("no user named '\(text)'", code: 2)
        }
        return id
    }

    static func depositID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw CommandFailure.exit("'\(text)' is not a deposit id (a UUID)", code: 2) }
        return id
    }

    static func describe(_ deposit: DepositView) -> String {
        let fields: [(String, String?)] = [
            ("id", deposit.id.uuidString.lowercased()), ("chain", deposit.chain), ("txid", deposit.txid),
            ("output", String(deposit.outputIndex)), ("address", deposit.address), ("asset", deposit.asset), ("amount", deposit.amount),
            ("status", deposit.status.rawValue), ("reason", deposit.reason),
            ("confirmations", "\(deposit.confirmations)/\(deposit.requiredConfirmations)"),
            ("block", deposit.blockHeight.map { "\($0) \(deposit.blockHash ?? "")" }),
            ("account", deposit.accountId?.uuidString.lowercased()),
            ("detected", RFC3339.string(from: deposit.detectedAt)), ("confirmed", deposit.confirmedAt.map(RFC3339.string(from:))),
            ("credited", deposit.creditedAt.map(RFC3339.string(from:))), ("updated", RFC3339.string(from: deposit.updatedAt)),
        ]
        return fields.map { "\($0.0): \($0.1 ?? "-")" }.joined(separator: "\n")
    }
}

extension Optional {
    fileprivate func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
