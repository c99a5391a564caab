import BallastChains
import BallastCore
import Testing

/// The Bitcoin client against the simulated node, over real HTTP on loopback.
@Suite("Bitcoin client and simulated node")
struct BitcoinNodeSimulatorTests {
    private func withNode(_ body: @Sendable (BitcoinNodeSimulator, BitcoinRPCClient) async throws -> Void) async throws {
        let node = BitcoinNodeSimulator()
        try await node.withRunning { url in
            try await body(node, BitcoinRPCClient(rpc: JSONRPCClient(url: url, timeout: .seconds(5))))
        }
    }

    @Test("heights, hashes and parent links follow the mined chain")
    func chain() async throws {
        try await withNode { node, client in
            #expect(try await client.blockCount() == 0)
            let mined = await node.mine(blocks: 5)
            #expect(try await client.blockCount() == 5)
            var previous: String? = nil
            for height in 0...5 {
                let hash = try await client.blockHash(height: height)
                if height > 0 { #expect(hash == mined[height - 1]) }
                let block = try await client.block(hash: hash)
                #expect(block.hash == hash)
                #expect(block.height == height)
                #expect(block.previousBlockHash == previous)
                #expect(block.confirmations == 5 - height + 1)
                if let previous { #expect(block.time > (try await client.block(hash: previous)).time) }
                previous = hash
            }
            #expect(try await client.bestBlockHash() == mined[4])
        }
    }

    @Test("a payment is an output to its address with its exact satoshis in the next mined block only")
    func payment() async throws {
        try await withNode { node, client in
            let txid = await node.pay(address: "bcrt1qdeposit", satoshis: 12_345_678)
            #expect(try await client.block(height: 0).transactions.allSatisfy { $0.txid != txid })
            await node.mine(blocks: 2)
            let block = try await client.block(height: 1)
            let transaction = try #require(block.transactions.first { $0.txid == txid })
            #expect(transaction.outputs == [BitcoinOutput(index: 0, satoshis: 12_345_678, address: "bcrt1qdeposit")])
            // The coinbase comes first and pays the reward.
            #expect(block.transactions.first?.outputs.first?.satoshis == 5_000_000_000)
            #expect(try await client.block(height: 2).transactions.allSatisfy { $0.txid != txid })
        }
    }

    @Test("the admin methods pay and mine over JSON-RPC, with amounts in BTC read exactly")
    func adminMethods() async throws {
        try await withNode { _, client in
            let txid = try await client.rpc.call("ballast_pay", [.string("bcrt1qdemo"), .number("0.30000001")])
            let hashes = try await client.rpc.call("generatetoaddress", [.integer(3), .string("bcrt1qminer")])
            #expect(hashes.arrayValue?.count == 3)
            #expect(try await client.blockCount() == 3)
            let block = try await client.block(height: 1)
            let payment = try #require(block.transactions.first { $0.txid == txid.stringValue })
            #expect(payment.outputs.first?.satoshis == 30_000_001)
            #expect(block.transactions.first?.outputs.first?.address == "bcrt1qminer")
            await #expect(throws: JSONRPCError.rpc(method: "ballast_pay", code: -8, message: "Invalid amount")) {
                try await client.rpc.call("ballast_pay", [.string("bcrt1qdemo"), .number("0.000000001")])
            }
        }
    }

    @Test("a reorganisation changes the hashes above the fork point, keeps the chain linked and leaves old blocks off it")
    func reorganisation() async throws {
        try await withNode { node, client in
            await node.mine(blocks: 6)
            let before = try await (0...6).asyncMap { try await client.blockHash(height: $0) }
            let txid = await node.pay(address: "bcrt1qdeposit", satoshis: 1_000)
            await node.mine()
            let orphan = try await client.blockHash(height: 7)
            let fork = try await client.rpc.call("ballast_reorg", [.integer(3)])
            #expect(fork.arrayValue?.count == 4)
            #expect(try await client.blockCount() == 8)
            for height in 0...4 { #expect(try await client.blockHash(height: height) == before[height]) }
            for height in 5...6 { #expect(try await client.blockHash(height: height) != before[height]) }
            for height in 1...8 {
                let block = try await client.block(height: height)
                #expect(block.previousBlockHash == (try await client.blockHash(height: height - 1)))
            }
            // The orphaned block is still known, off the best chain; its payment is re-included in the fork.
            #expect(try await client.block(hash: orphan).confirmations == -1)
            #expect(try await client.block(height: 5).transactions.contains { $0.txid == txid })
        }
    }

    @Test("a reorganisation that drops transactions leaves the payment out of the new chain")
    func droppedPayment() async throws {
        try await withNode { node, client in
            let txid = await node.pay(address: "bcrt1qdeposit", satoshis: 1_000)
            await node.mine(blocks: 2)
            _ = try await client.rpc.call("ballast_reorg", [.integer(2), .bool(false)])
            for height in 0...3 { #expect(try await client.block(height: height).transactions.allSatisfy { $0.txid != txid }) }
        }
    }

    @Test("Bitcoin Core's errors: -8 for a height out of range or a malformed hash, -5 for an unknown block")
    func errors() async throws {
        try await withNode { _, client in
            await #expect(throws: JSONRPCError.rpc(method: "getblockhash", code: -8, message: "Block height out of range")) {
                try await client.blockHash(height: 1)
            }
            await #expect(throws: JSONRPCError.rpc(method: "getblockhash", code: -8, message: "Block height out of range")) {
                try await client.blockHash(height: -1)
            }
            await #expect(throws: JSONRPCError.rpc(method: "getblock", code: -5, message: "Block not found")) {
                try await client.block(hash: String(repeating: "0", count: 64))
            }
            await #expect {
                try await client.block(hash: "abc")
            } throws: { error in (error as? JSONRPCError)?.rpcCode == -8 }
        }
    }

    @Test("getblock answers hex at verbosity 0, txids at 1 and whole transactions at 2")
    func verbosities() async throws {
        try await withNode { node, client in
            await node.pay(address: "bcrt1qdeposit", satoshis: 5)
            await node.mine()
            let hash = try await client.blockHash(height: 1)
            let hex = try await client.rpc.call("getblock", [.string(hash), .integer(0)])
            #expect(hex.stringValue?.allSatisfy(\.isHexDigit) == true)
            let summary = try await client.rpc.call("getblock", [.string(hash)])
            #expect(summary["tx"]?.arrayValue?.allSatisfy { $0.stringValue != nil } == true)
            #expect(summary["nTx"] == .integer(2))
            let full = try await client.rpc.call("getblock", [.string(hash), .integer(2)])
            #expect(full["tx"]?.arrayValue?.last?["vout"]?.arrayValue?.first?["value"] == .number("0.00000005"))
        }
    }

    @Test("with a block interval the node mines on its own")
    func timer() async throws {
        let node = BitcoinNodeSimulator()
        let task = Task { try await node.run(blockInterval: .milliseconds(50)) }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(10)
        while await node.height < 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(await node.height >= 3)
    }
}

extension ClosedRange where Bound == Int {
    fileprivate func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for value in self { results.append(try await transform(value)) }
        return results
    }
}
