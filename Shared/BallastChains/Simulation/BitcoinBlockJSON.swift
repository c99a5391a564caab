import BallastCore

/// A simulated block written as Bitcoin Core's `getblock` writes it: verbosity 0 is hex, 1 lists txids, 2 (and 3,
/// answered as 2 here) lists whole transactions. Values that only a real chain has (size, difficulty, scripts) are
/// plausible constants.
struct BitcoinBlockJSON {
    let block: SimulatedBitcoinBlock
    let bestChain: [String]

    func json(verbosity: Int) -> JSONValue {
        // Not a real serialisation (the simulator has no headers to hash): hex, so that callers see the right type.
        if verbosity <= 0 { return .string(block.hash + (block.previousHash ?? String(repeating: "0", count: 64))) }
        let isOnBestChain = bestChain.indices.contains(block.height) && bestChain[block.height] == block.hash
        var members: [(key: String, value: JSONValue)] = [
            ("hash", .string(block.hash)),
            ("confirmations", .integer(isOnBestChain ? bestChain.count - block.height : -1)),
            ("size", .integer(285)), ("strippedsize", .integer(249)), ("weight", .integer(1032)),
            ("height", .integer(block.height)),
            ("version", .integer(536_870_912)), ("versionHex", .string("20000000")),
            ("merkleroot", .string(block.transactions.first?.txid ?? String(repeating: "0", count: 64))),
            (
                "tx",
                .array(block.transactions.map { verbosity >= 2 ? transactionJSON($0) : .string($0.txid) })
            ),
            ("time", .integer(block.time)), ("mediantime", .integer(block.time)),
            ("nonce", .integer(0)), ("bits", .string("207fffff")), ("difficulty", .number("4.656542373906925e-10")),
            ("chainwork", .string(String(format: "%064x", (block.height + 1) * 2))),
            ("nTx", .integer(block.transactions.count)),
        ]
        if let previous = block.previousHash { members.append(("previousblockhash", .string(previous))) }
        if isOnBestChain, block.height + 1 < bestChain.count { members.append(("nextblockhash", .string(bestChain[block.height + 1]))) }
        return .object(members)
    }

    private func transactionJSON(_ transaction: SimulatedBitcoinTransaction) -> JSONValue {
        let input: JSONValue =
            transaction.isCoinbase
            ? .object([
                ("coinbase", .string(String(format: "%02x", min(block.height, 0xff)) + "00")), ("sequence", .integer(4_294_967_295)),
            ])
            : .object([
                ("txid", .string(String(repeating: "0", count: 63) + "1")), ("vout", .integer(0)),
                ("scriptSig", .object([("asm", .string("")), ("hex", .string(""))])), ("sequence", .integer(4_294_967_293)),
            ])
        let outputs: [JSONValue] = transaction.outputs.enumerated().map { index, output in
            .object([
                ("value", .number(BitcoinAmount.bitcoinText(satoshis: output.satoshis))),
                ("n", .integer(index)),
                (
                    "scriptPubKey",
                    .object([
                        ("asm", .string("0 \(output.address)")), ("desc", .string("addr(\(output.address))")),
                        ("hex", .string("0014" + String(repeating: "ab", count: 20))), ("address", .string(output.address)),
                        ("type", .string("witness_v0_keyhash")),
                    ])
                ),
            ])
        }
        return .object([
            ("txid", .string(transaction.txid)), ("hash", .string(transaction.txid)), ("version", .integer(2)),
            ("size", .integer(222)), ("vsize", .integer(141)), ("weight", .integer(561)), ("locktime", .integer(0)),
            ("vin", .array([input])), ("vout", .array(outputs)), ("hex", .string("02000000")),
        ])
    }
}
