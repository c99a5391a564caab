import ArgumentParser
import BallastTrading
import Foundation

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Manage paper trading accounts (one per user).",
        subcommands: [Create.self, Fund.self, Show.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user's paper account and deposit its starting cash.")

        @Argument(help: "The user's name.")
        var user: String

        @Option(help: "The currency cash is kept in; symbols quoted in another currency are refused.")
        var currency = "USD"

        @Option(help: "Starting cash, deposited at once.")
        var cash = "100000"

        @Flag(help: "Allow selling more than a position holds (short positions).")
        var allowShort = false

        @Flag(help: "Fill market orders at the signal's own price when it has one, instead of the last trade (replays, backtests).")
        var trustSignalPrice = false

        @Option(help: "Fee of fills that take liquidity, in basis points.")
        var takerFeeBps = "10"

        @Option(help: "Fee of resting orders filled by a later trade, in basis points.")
        var makerFeeBps = "5"

        @Option(help: "How far market orders fill from the last price, against the trader, in basis points.")
        var slippageBps = "5"

        @Option(
            help: """
                The notional, in the account's currency, of orders whose signal gives no quantity (the risk limit \
                defaultOrderNotional); without it such signals are refused.
                """)
        var defaultOrderNotional: String?

        func run() async throws {
            guard let currency = PaperAccountStore.currency(currency) else {
                throw CommandFailure.exit("invalid --currency '\(self.currency)'", code: 2)
            }
            guard let cash = PaperAccountStore.amount(cash) else {
                throw CommandFailure.exit("invalid --cash: \(PaperAccountStore.Failure.invalidAmount(self.cash))", code: 2)
            }
            func basisPoints(_ name: String, _ text: String) throws -> Decimal {
                guard let value = ExecutionPricing.basisPoints(text) else {
                    throw CommandFailure.exit("\(name) must be a number from 0 to 1000, got '\(text)'", code: 2)
                }
                return value
            }
            let pricing = ExecutionPricing(
                takerFeeBps: try basisPoints("--taker-fee-bps", takerFeeBps),
                makerFeeBps: try basisPoints("--maker-fee-bps", makerFeeBps),
                slippageBps: try basisPoints("--slippage-bps", slippageBps)
            )
            let defaultNotional = try defaultOrderNotional.map { text in
                guard let amount = PaperAccountStore.amount(text) else {
                    throw CommandFailure.exit("invalid --default-order-notional: \(PaperAccountStore.Failure.invalidAmount(text))", code: 2)
                }
                return amount
            }
            let (user, allowShort, trustSignalPrice) = (self.user, self.allowShort, self.trustSignalPrice)
            let account = try await withDatabase { client, logger in
                do {
                    return try await PaperAccountStore(database: client, logger: logger).create(
                        user: user, quoteCurrency: currency, startingCash: cash, allowShort: allowShort, pricing: pricing,
                        trustSignalPrice: trustSignalPrice, defaultOrderNotional: defaultNotional
                    )
                } catch let failure as PaperAccountStore.Failure {
                    throw CommandFailure.exit(failure.description, code: 1)
                }
            }
            let sizing = defaultNotional.map { ", orders without a quantity of \($0) \(currency)" } ?? ""
            print("created paper account \(account.id.uuidString.lowercased()) for \(user) with \(cash) \(currency)\(sizing)")
        }
    }

    struct Fund: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deposit into (or, with --withdraw, take from) a paper account.")

        @Argument(help: "The user's name.")
        var user: String

        @Argument(help: "The amount, e.g. 2500 or 0.5.")
        var amount: String

        @Option(help: "The asset; the account's currency when left out.")
        var asset: String?

        @Flag(help: "Take the amount out instead (only what is available).")
        var withdraw = false

        func run() async throws {
            guard let value = PaperAccountStore.amount(amount) else {
                throw CommandFailure.exit(PaperAccountStore.Failure.invalidAmount(amount).description, code: 2)
            }
            if let asset, PaperAccountStore.currency(asset) == nil { throw CommandFailure.exit("invalid --asset '\(asset)'", code: 2) }
            let (user, asset, signed) = (self.user, self.asset.flatMap(PaperAccountStore.currency), withdraw ? -value : value)
            let balance = try await withDatabase { client, logger in
                let accounts = PaperAccountStore(database: client, logger: logger)
                do {
                    return try await accounts.fund(user: user, asset: asset, amount: signed)
                } catch let failure as PaperAccountStore.Failure {
                    throw CommandFailure.exit(failure.description, code: 1)
                }
            }
            print("\(balance.asset): \(balance.available) available, \(balance.locked) locked")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a paper account's balances.")

        @Argument(help: "The user's name.")
        var user: String

        func run() async throws {
            let user = self.user
            let (account, balances) = try await withDatabase { client, logger in
                let accounts = PaperAccountStore(database: client, logger: logger)
                do {
                    let account = try await accounts.account(named: user)
                    return (account, try await accounts.balances(of: account.id))
                } catch let failure as PaperAccountStore.Failure {
                    throw CommandFailure.exit(failure.description, code: 1)
                }
            }
            print("paper account \(account.id.uuidString.lowercased()) of \(user), in \(account.quoteCurrency)")
            for balance in balances.values.sorted(by: { $0.asset < $1.asset }) {
                print("\(balance.asset): \(balance.available) available, \(balance.locked) locked")
            }
        }
    }
}
