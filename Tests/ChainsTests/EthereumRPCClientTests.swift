import BallastChains
import BallastCore
import Testing

/// The client against the simulated node over real HTTP on loopback: every call goes through
/// the JSON-RPC wire format both sides must agree on.
@Suite("Ethereum JSON-RPC client against the simulated node")
struct EthereumRPCClientTests {
    static let alice = try! EthereumAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    static let bob = try! EthereumAddress("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")
    static let usdc = try! EthereumAddress("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48")
    static let usdt = try! EthereumAddress("0xdAC17F958D2ee523a2206206994597C13D831ec7")
    static let dai = try! EthereumAddress("0x6B175474E89094C44Da98b954EedeAC495271d0F")

    func withNode(
        finalityDepth: UInt64 = 64,
        _ body: @Sendable (EthereumNodeSimulator, EthereumRPCClient) async throws -> Void
    ) async throws {
        let node = EthereumNodeSimulator(finalityDepth: finalityDepth)
        try await node.server.withRunning { url in
            try await body(node, EthereumRPCClient(rpc: JSONRPCClient(url: url)))
        }
    }

    @Test("a walk from genesis to the tip finds each block's parent hash equal to the previous block's hash")
    func blockWalk() async throws {
        try await withNode { node, client in
            node.mine(5)
            #expect(try await client.blockNumber() == 5)
            var previous = try #require(try await client.block(.number(0)))
            for height in UInt64(1)...5 {
                let block = try #require(try await client.block(.number(height)))
                #expect(block.number == height)
                #expect(block.parentHash == previous.hash)
                #expect(block.hash != previous.hash)
                #expect(block.timestamp > previous.timestamp)
                previous = block
            }
            #expect(try await client.block(.latest) == previous)
            #expect(try await client.block(.number(6)) == nil)
        }
    }

    @Test("native values arrive exactly in wei, also above 64 and 128 bits")
    func nativeValues() async throws {
        try await withNode { node, client in
            let oneAndAHalfEther = EthereumQuantity(1_500_000_000_000_000_000)
            let above64Bits = EthereumQuantity(UInt128(UInt64.max) + 6)
            let above128Bits = EthereumQuantity(high: 3, low: 7)
            let first = node.pay(to: Self.alice, wei: oneAndAHalfEther)
            let second = node.pay(to: Self.bob, wei: above64Bits)
            let third = node.pay(to: Self.bob, wei: above128Bits)
            node.mine()
            let block = try #require(try await client.block(.number(1)))
            let values = Dictionary(uniqueKeysWithValues: block.transactions.map { ($0.hash, $0) })
            #expect(values[first]?.value.decimalString == "1500000000000000000")
            #expect(values[first]?.to == Self.alice)
            #expect(values[second]?.value.decimalString == "18446744073709551621")
            #expect(values[third]?.value.decimalString == "1020847100762815390390123822295304634375")
            // Addresses match whatever the case the user typed.
            #expect(
                values[first]?.to == (try EthereumAddress(Self.alice.lowercased.uppercased().replacingOccurrences(of: "0X", with: "0x"))))
        }
    }

    @Test("ERC-20 Transfer logs are filtered by contract and block range, amounts exact")
    func tokenTransfers() async throws {
        try await withNode { node, client in
            node.transferToken(contract: Self.usdc, to: Self.alice, amount: EthereumQuantity(1))  // block 1: before the range
            node.mine()
            let usdcToBob = node.transferToken(contract: Self.usdc, to: Self.bob, amount: EthereumQuantity(2_500_000))
            node.transferToken(contract: Self.dai, to: Self.alice, amount: EthereumQuantity(7))  // another contract
            let usdtToAlice = node.transferToken(
                contract: Self.usdt, to: Self.alice, amount: EthereumQuantity(high: 1, low: 5))
            node.pay(to: Self.alice, wei: EthereumQuantity(9))  // native: no log
            node.mine()  // block 2
            node.mine()  // block 3: empty
            node.transferToken(contract: Self.usdt, to: Self.bob, amount: EthereumQuantity(3))
            node.mine()  // block 4: after the range

            let transfers = try await client.transfers(of: [Self.usdc, Self.usdt], fromBlock: 2, toBlock: 3)
            let block2 = try #require(try await client.block(.number(2)))
            #expect(transfers.map(\.transactionHash) == [usdcToBob, usdtToAlice])
            #expect(transfers.map(\.token) == [Self.usdc, Self.usdt])
            #expect(transfers.map(\.to) == [Self.bob, Self.alice])
            #expect(transfers.map(\.amount.decimalString) == ["2500000", "340282366920938463463374607431768211461"])
            #expect(transfers.map(\.logIndex) == [0, 2])
            #expect(transfers.allSatisfy { $0.blockNumber == 2 && $0.blockHash == block2.hash })
            #expect(try await client.transfers(of: [Self.usdt], fromBlock: 1, toBlock: 4).count == 2)
            #expect(try await client.transfers(of: [Self.dai], fromBlock: 3, toBlock: 4).isEmpty)
        }
    }

    @Test("the finalized tag lags the tip by the finality depth and never goes below genesis")
    func finalizedLagsLatest() async throws {
        try await withNode(finalityDepth: 3) { node, client in
            node.mine(2)
            #expect(try await client.block(.finalized)?.number == 0)
            node.mine(8)
            let latest = try #require(try await client.block(.latest))
            let finalized = try #require(try await client.block(.finalized))
            #expect(latest.number == 10)
            #expect(finalized.number == 7)
            #expect(finalized.hash == (try await client.block(.number(7)))?.hash)
        }
    }

    @Test("a reorganisation replaces the hashes; a re-included transfer moves to the new block, a dropped one is gone")
    func reorganization() async throws {
        try await withNode { node, client in
            node.mine(2)
            let transfer = node.transferToken(contract: Self.usdc, to: Self.alice, amount: EthereumQuantity(100))
            let payment = node.pay(to: Self.bob, wei: EthereumQuantity(42))
            node.mine(3)  // the transfer and the payment are in block 3; tip 5
            let before = try #require(try await client.block(.number(3)))
            let keptBlock2 = try #require(try await client.block(.number(2)))

            try node.reorganize(depth: 3, reincluding: true)
            #expect(try await client.blockNumber() == 5)
            let after = try #require(try await client.block(.number(3)))
            #expect(after.hash != before.hash)
            #expect(after.parentHash == keptBlock2.hash)
            #expect(try await client.block(.number(2)) == keptBlock2)
            #expect(Set(after.transactions.map(\.hash)) == [transfer, payment])
            let reincluded = try await client.transfers(of: [Self.usdc], fromBlock: 0, toBlock: 5)
            #expect(reincluded.map(\.transactionHash) == [transfer])
            #expect(reincluded.first?.blockHash == after.hash)

            // Logs asked for by block hash: the orphaned block is unknown, its replacement has the transfer.
            #expect(try await client.transfers(of: [Self.usdc], blockHash: after.hash).map(\.transactionHash) == [transfer])
            await #expect {
                try await client.transfers(of: [Self.usdc], blockHash: before.hash)
            } throws: { error in
                (error as? JSONRPCError)?.rpcCode == -32000 && "\(error)".contains("unknown block")
            }

            try node.reorganize(depth: 3, reincluding: false)
            #expect(try await client.transfers(of: [Self.usdc], fromBlock: 0, toBlock: 5).isEmpty)
            for height in UInt64(3)...5 {
                #expect(try await client.block(.number(height))?.transactions.isEmpty == true)
            }
            #expect(throws: EthereumSimulatorError.reorganizationTooDeep(depth: 6, height: 5)) {
                try node.reorganize(depth: 6)
            }
        }
    }

    @Test("the node's refusals come back as RPC errors with the codes of real nodes")
    func rpcErrors() async throws {
        try await withNode { node, client in
            let rpc = client.rpc
            await #expect(throws: JSONRPCError.self) { try await rpc.call("eth_getBlockByNumber", [.string("0xzz"), .bool(true)]) }
            await #expect { try await rpc.call("eth_getBlockByNumber", [.string("0xzz"), .bool(true)]) } throws: {
                ($0 as? JSONRPCError)?.rpcCode == JSONRPCErrorObject.invalidParamsCode
            }
            await #expect { try await rpc.call("eth_getBlockByNumber", [.string("0x01"), .bool(true)]) } throws: {
                ($0 as? JSONRPCError)?.rpcCode == JSONRPCErrorObject.invalidParamsCode
            }
            await #expect {
                try await rpc.call("eth_getLogs", [.object([("fromBlock", .string("0x2")), ("toBlock", .string("0x1"))])])
            } throws: {
                ($0 as? JSONRPCError)?.rpcCode == JSONRPCErrorObject.invalidParamsCode
            }
            await #expect { try await rpc.call("eth_sendRawTransaction", [.string("0x00")]) } throws: {
                ($0 as? JSONRPCError)?.rpcCode == JSONRPCErrorObject.methodNotFoundCode
            }
            await #expect { try await rpc.call("ballast_pay", [.string(Self.alice.lowercased), .string("1.5")]) } throws: {
                guard case .rpc(_, let code, let message)? = $0 as? JSONRPCError else { return false }
                return code == JSONRPCErrorObject.invalidParamsCode
                    && message == "wei must be a hex quantity such as 0x2a, got \"1.5\""
            }
            await #expect { try await rpc.call("ballast_reorg", [.integer(1)]) } throws: {
                ($0 as? JSONRPCError)?.rpcCode == JSONRPCErrorObject.invalidParamsCode
            }
        }
    }

    @Test("the admin methods drive the node over the wire")
    func adminMethods() async throws {
        try await withNode { node, client in
            let payment = try await client.rpc.call(
                "ballast_pay", [.string(Self.alice.lowercased), .string("0x14d1120d7b160000")])
            let mined = try await client.rpc.call("ballast_mine", [.integer(2)])
            #expect(mined.arrayValue?.count == 2)
            let block = try #require(try await client.block(.number(1)))
            #expect(block.transactions.map(\.hash) == [payment.stringValue])
            #expect(block.transactions.first?.value.decimalString == "1500000000000000000")
            let tipBefore = try #require(try await client.block(.latest))
            _ = try await client.rpc.call("ballast_reorg", [.integer(1)])
            #expect(try await client.block(.latest)?.hash != tipBefore.hash)
        }
    }

    @Test("a node answering another height than the one asked for is refused")
    func wrongHeight() async throws {
        let server = JSONRPCServer(handlers: ["eth_getBlockByNumber": { _ in Self.malformedBlock(value: "0x1") }])
        try await server.withRunning { url in
            let client = EthereumRPCClient(rpc: JSONRPCClient(url: url))
            let asked = try await client.block(.number(1))
            #expect(asked?.number == 1)
            await #expect(
                throws: JSONRPCError.unexpectedResult(method: "eth_getBlockByNumber", reason: "asked for block 2, the node sent block 1")
            ) {
                try await client.block(.number(2))
            }
        }
    }

    @Test("the node mines on a timer until its task is cancelled")
    func timerMining() async throws {
        try await withNode { node, client in
            let miner = Task { await node.mineEvery(.milliseconds(20)) }
            defer { miner.cancel() }
            let deadline = ContinuousClock.now + .seconds(10)
            while try await client.blockNumber() < 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await client.blockNumber() >= 3)
            miner.cancel()
            _ = await miner.value
            let stopped = try await client.blockNumber()
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await client.blockNumber() == stopped)
        }
    }

    @Test(
        "a node answering malformed values gets a clear error naming what was wrong, not a crash",
        arguments: [
            ("eth_blockNumber", JSONValue.string("12"), "does not start with 0x"),
            ("eth_blockNumber", JSONValue.number("12"), "not a hex string"),
            ("eth_blockNumber", JSONValue.string("0x" + String(repeating: "f", count: 17)), "does not fit in 64 bits"),
            ("eth_getBlockByNumber", malformedBlock(value: "0x1.5"), "'.' is not a hex digit"),
            ("eth_getBlockByNumber", malformedBlock(value: "1500"), "does not start with 0x"),
            ("eth_getLogs", JSONValue.object([]), "not an array"),
            (
                "eth_getLogs", JSONValue.array([.object([("transactionHash", .string("0x" + String(repeating: "a", count: 64)))])]),
                "3 topics"
            ),
        ])
    func malformedAnswers(method: String, answer: JSONValue, reason: String) async throws {
        let server = JSONRPCServer(handlers: [method: { _ in answer }])
        try await server.withRunning { url in
            let client = EthereumRPCClient(rpc: JSONRPCClient(url: url))
            await #expect {
                switch method {
                case "eth_blockNumber": _ = try await client.blockNumber()
                case "eth_getBlockByNumber": _ = try await client.block(.latest)
                default: _ = try await client.transfers(of: [Self.usdc], fromBlock: 0, toBlock: 1)
                }
            } throws: { error in
                guard case .unexpectedResult(let failed, let message)? = error as? JSONRPCError else { return false }
                return failed == method && message.contains(reason)
            }
        }
    }

    static func malformedBlock(value: String) -> JSONValue {
        let hash = JSONValue.string("0x" + String(repeating: "b", count: 64))
        return .object([
            ("number", .string("0x1")), ("hash", hash), ("parentHash", hash), ("timestamp", .string("0x5")),
            (
                "transactions",
                .array([
                    .object([
                        ("hash", hash), ("from", .string(alice.lowercased)), ("to", .string(bob.lowercased)),
                        ("value", .string(value)),
                    ])
                ])
            ),
        ])
    }
}
