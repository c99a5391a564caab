import ArgumentParser
import BallastChains
import BallastCore
import Foundation

struct ChainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chain",
        abstract: "Simulated blockchain nodes for deposits: serve one, and drive it (mine, pay, reorganise).",
        subcommands: [Simulate.self, Mine.self, Pay.self, Reorg.self]
    )

    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve an in-memory chain over its node's real JSON-RPC until stopped (Ctrl-C).",
            discussion: """
                bitcoin answers getblockcount, getblockhash, getbestblockhash, getblock (verbosity 0-2) and \
                generatetoaddress as Bitcoin Core does, plus the simulator's own ballast_pay (address, amount in BTC) and \
                ballast_reorg (depth, keep_transactions). ethereum answers eth_blockNumber, eth_getBlockByNumber (a height, \
                latest, or finalized 64 blocks behind the tip) and eth_getLogs (ERC-20 Transfer) as an Ethereum node does, \
                plus ballast_mine (count), ballast_pay (to, wei in hex), ballast_transferToken (contract, to, amount in hex) \
                and ballast_reorg (depth, reincluding); give it --port 8545, an Ethereum node's usual port. The chain \
                starts with its genesis block and is lost on exit.
                """
        )

        @Option(help: "The node's dialect: bitcoin or ethereum.")
        var kind: ChainKind = .bitcoin

        @Option(help: "Address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "Port to listen on (0: any free port; Bitcoin Core's regtest uses 18443).")
        var port = 18443

        @Option(name: .customLong("block-interval"), help: "Mine a block every this many whole seconds (default: only on demand).")
        var blockInterval: Int?

        func validate() throws {
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
            if let blockInterval, !(1...86_400).contains(blockInterval) {
                throw ValidationError("--block-interval must be 1 to 86400 seconds, got \(blockInterval)")
            }
        }

        func run() async throws {
            let (host, kind) = (self.host, self.kind)
            let interval = blockInterval.map { Duration.seconds($0) }
            let announce: @Sendable (Int) async -> Void = { boundPort in
                let every = interval.map { ", a block every \($0)" } ?? ", blocks on demand"
                // Unbuffered: scripts wait for this line through a pipe, where print's output stays in a buffer.
                let line = "simulated \(kind.rawValue) node on http://\(host):\(boundPort)/\(every); Ctrl-C stops\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
            do {
                switch kind {
                case .bitcoin:
                    try await BitcoinNodeSimulator().run(host: host, port: port, blockInterval: interval, onListening: announce)
                case .ethereum:
                    try await EthereumNodeSimulator().run(host: host, port: port, blockInterval: interval, onListening: announce)
                }
            } catch {
                throw CommandFailure.exit("cannot serve on \(host):\(port): \(error)", code: 1)
            }
        }
    }

    /// The options every command driving a running simulator takes.
    struct NodeOptions: ParsableArguments {
        @Option(help: "The simulated node's JSON-RPC URL.")
        var url = "http://127.0.0.1:18443/"

        func call(_ method: String, _ params: [JSONValue]) async throws -> JSONValue {
            do {
                return try await JSONRPCClient(url: url, timeout: .seconds(10)).call(method, params)
            } catch {
                throw CommandFailure.exit(error.description, code: 1)
            }
        }
    }

    struct Mine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mine blocks on a running simulated Bitcoin node (generatetoaddress).")

        @OptionGroup var node: NodeOptions

        @Option(help: "Number of blocks (1 to 10000).")
        var blocks = 1

        @Option(help: "Address of the block rewards.")
        var address = BitcoinNodeSimulator.defaultMinerAddress

        func validate() throws {
            guard (1...10_000).contains(blocks) else { throw ValidationError("--blocks must be from 1 to 10000") }
        }

        func run() async throws {
            let hashes = try await node.call("generatetoaddress", [.integer(blocks), .string(address)])
            for hash in hashes.arrayValue ?? [] { print(hash.stringValue ?? hash.serialized) }
        }
    }

    struct Pay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pay an address on a running simulated Bitcoin node; the payment goes into the next mined block.")

        @OptionGroup var node: NodeOptions

        @Option(help: "The receiving address.")
        var address: String

        @Option(help: "Amount in BTC, at most 8 decimals, e.g. 0.25.")
        var amount: String

        func validate() throws {
            guard let satoshis = BitcoinAmount.satoshis(fromBitcoinText: amount), satoshis > 0 else {
                throw ValidationError("--amount must be a positive amount in BTC with at most 8 decimals, got \(amount)")
            }
        }

        func run() async throws {
            let txid = try await node.call("ballast_pay", [.string(address), .number(amount)])
            print(txid.stringValue ?? txid.serialized)
        }
    }

    struct Reorg: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the last blocks of a running simulated Bitcoin node by a longer fork.")

        @OptionGroup var node: NodeOptions

        @Option(help: "How many blocks the fork replaces.")
        var depth: Int

        @Flag(help: "Leave the replaced blocks' payments out of the fork (as a double-spend would).")
        var dropTransactions = false

        func validate() throws {
            guard depth >= 1 else { throw ValidationError("--depth must be at least 1") }
        }

        func run() async throws {
            let hashes = try await node.call("ballast_reorg", [.integer(depth), .bool(!dropTransactions)])
            for hash in hashes.arrayValue ?? [] { print(hash.stringValue ?? hash.serialized) }
        }
    }
}

extension ChainKind: ExpressibleByArgument {}
