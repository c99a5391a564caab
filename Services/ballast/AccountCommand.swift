import ArgumentParser
import BallastCore
import BallastService
import BallastTrading
import BallastVenues
import Foundation
import Logging

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Manage trading accounts (one per user): paper, or on an exchange.",
        subcommands: [Create.self, Fund.self, Show.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user's trading account: paper with its starting cash, or an exchange account (--venue kraken).",
            discussion: """
                With --venue kraken the account trades on Kraken with the API key in --api-key-file (lines api_key=... and \
                api_secret=...; the key needs the permissions to query funds, query and create orders, and cancel them). The \
                key and secret are sealed with BALLAST_SECRETS_KEY (32 bytes in base64: `openssl rand -base64 32`; every \
                service that trades the account needs the same value) and never shown again. The command asks Kraken for the \
                account's balances, which become the ledger's opening entries; BALLAST_KRAKEN_URL points it at another \
                server (the simulated Kraken of `scripts/dev up --venue kraken`). --cash does not apply.
                """
        )

        @Argument(help: "The user's name.")
        var user: String

        @Option(help: "The currency cash is kept in; symbols quoted in another currency are refused.")
        var currency = "USD"

        @Option(help: "Starting cash, deposited at once (paper accounts).")
        var cash = "100000"

        @Option(help: "Where orders execute: paper (simulated fills, the default) or kraken.")
        var venue: VenueKind = .paper

        @Option(help: "With --venue kraken: the file holding the API key and secret.")
        var apiKeyFile: String?

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
            let exchange = try await exchangeAccount()
            let (user, allowShort, trustSignalPrice) = (self.user, self.allowShort, self.trustSignalPrice)
            let account = try await withDatabase { client, logger in
                do {
                    return try await PaperAccountStore(database: client, logger: logger).create(
                        user: user, quoteCurrency: currency, startingCash: cash, allowShort: allowShort, pricing: pricing,
                        trustSignalPrice: trustSignalPrice, defaultOrderNotional: defaultNotional, exchange: exchange
                    )
                } catch let failure as PaperAccountStore.Failure {
                    throw CommandFailure.exit(failure.description, code: 1)
                }
            }
            let sizing = defaultNotional.map { ", orders without a quantity of \($0) \(currency)" } ?? ""
            if let exchange {
                let holdings = exchange.balances.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                print(
                    "created \(venue.rawValue) account \(account.id.uuidString.lowercased()) for \(user) (key \(exchange.credentials.keyHint)) "
                        + "holding \(holdings.isEmpty ? "nothing" : holdings)\(sizing)")
            } else {
                print("created paper account \(account.id.uuidString.lowercased()) for \(user) with \(cash) \(currency)\(sizing)")
            }
        }

        /// With an exchange venue: the new account's id, its sealed credentials and the exchange's balances, which also
        /// prove the key works before anything is stored.
        private func exchangeAccount() async throws -> (
            id: UUID, venue: VenueKind, credentials: SealedCredentials, balances: [String: Decimal]
        )? {
            guard venue.isExchange else {
                if apiKeyFile != nil { throw CommandFailure.exit("--api-key-file is for an exchange venue (--venue kraken)", code: 2) }
                return nil
            }
            guard let apiKeyFile else { throw CommandFailure.exit("--venue \(venue.rawValue) needs --api-key-file FILE", code: 2) }
            let file: ExchangeCredentialsFile
            let exchanges: ExchangeVenues
            do {
                file = try ExchangeCredentialsFile(contentsOf: apiKeyFile)
                exchanges = try ExchangeVenues()
            } catch {
                throw CommandFailure.exit("\(error)", code: 2)
            }
            guard let secrets = exchanges.secrets else { throw CommandFailure.exit("\(SecretsKey.Failure.missing)", code: 2) }
            // `withDatabase` sets up logging for the process afterwards; this logger only names the exchange's calls.
            let logger = Logger(label: "ballast.account")
            let balances: [String: Decimal]
            do {
                balances = try await exchanges.open(venue, apiKey: file.apiKey, secret: file.secret, logger: logger).balances()
            } catch {
                throw CommandFailure.exit("\(venue.rawValue) did not give the account's balances: \(error)", code: 1)
            }
            let id = UUID()
            let context = id.uuidString.lowercased()
            let credentials = SealedCredentials(
                apiKey: try secrets.seal(file.apiKey, context: context), secret: try secrets.seal(file.secret, context: context),
                keyHint: file.keyHint)
            return (id, venue, credentials, balances)
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

extension VenueKind: ExpressibleByArgument {}
