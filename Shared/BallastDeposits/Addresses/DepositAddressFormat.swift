import BallastChains

/// What an address of each kind of chain looks like, checked when the pool is loaded so a typo never becomes an
/// address users are told to pay. The checks are of form (alphabet and length), not of checksum: Ballast holds no keys
/// and the addresses come from the operator's wallet.
public enum DepositAddressFormat {
    /// The address as stored (Ethereum-style in lower case), or why it is not one.
    public static func normalized(_ text: String, kind: ChainKind) -> Result<String, AddressError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .ethereum:
            do {
                return .success(try EthereumAddress(trimmed).lowercased)
            } catch {
                return .failure(AddressError("'\(trimmed)' is not an Ethereum address (0x and 40 hex digits)"))
            }
        case .bitcoin:
            let lower = trimmed.lowercased()
            let bech32 = Set("qpzry9x8gf2tvdw0s3jn54khce6mua7l")
            // Base58 (legacy, P2SH) or bech32/bech32m (segwit, taproot) on mainnet, testnet and regtest.
            if let separator = ["bc1", "tb1", "bcrt1"].first(where: { lower.hasPrefix($0) }) {
                let data = lower.dropFirst(separator.count)
                guard trimmed == lower || trimmed == trimmed.uppercased(), (6...87).contains(data.count),
                    data.allSatisfy({ bech32.contains($0) })
                else {
                    return .failure(AddressError("'\(trimmed)' is not a bech32 Bitcoin address"))
                }
                return .success(lower)
            }
            let base58 = Set("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
            guard (25...35).contains(trimmed.count), trimmed.allSatisfy({ base58.contains($0) }) else {
                return .failure(AddressError("'\(trimmed)' is not a Bitcoin address (base58 or bech32)"))
            }
            return .success(trimmed)
        }
    }

    public struct AddressError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
