import BallastChains
import BallastCore
import Foundation

/// One chain the deposits service watches, from `BALLAST_CHAINS` and the `BALLAST_CHAIN_<NAME>_*` variables
/// (docs/configuration.md). The well-known names come with the seed's defaults: `bitcoin` (BTC, 6 confirmations),
/// `ethereum` (ETH, 12, its `finalized` tag), `bsc` (BNB, 15), `polygon` (POL, 128).
public struct ChainSettings: Sendable, Equatable {
    /// An ERC-20 token whose `Transfer` logs count as deposits of `asset`.
    public struct Token: Sendable, Equatable {
        public var asset: String
        public var contract: String
        public var decimals: Int

        public init(asset: String, contract: String, decimals: Int) {
            self.asset = asset
            self.contract = contract
            self.decimals = decimals
        }
    }

    /// The chain's name in the API, the tables and metrics (`bitcoin`, `ethereum`, ...).
    public var name: String
    public var kind: ChainKind
    public var url: String
    /// `BALLAST_CHAIN_<NAME>_RPC_USER` / `_RPC_PASSWORD`: basic auth (Bitcoin Core's rpcauth).
    public var credentials: JSONRPCClient.Credentials?
    /// The native asset and its decimals (BTC 8, ETH 18).
    public var asset: String
    public var decimals: Int
    public var tokens: [Token]
    /// Confirmations a deposit needs before it is credited.
    public var confirmations: Int
    /// Ethereum-style chains with a `finalized` block: a deposit at or below it is confirmed whatever its count.
    public var useFinalized: Bool
    /// Where the first scan starts; nil: at the node's tip then (payments before it are not looked for).
    public var startHeight: Int64?
    /// How many recent block hashes are kept to find the fork of a reorganisation.
    public var reorgWindow: Int
    /// Blocks read per scan at most, so one run stays short while a scanner catches up.
    public var maxBlocksPerScan: Int
    public var timeout: Duration

    public init(
        name: String, kind: ChainKind, url: String, credentials: JSONRPCClient.Credentials? = nil, asset: String, decimals: Int,
        tokens: [Token] = [], confirmations: Int, useFinalized: Bool = false, startHeight: Int64? = nil, reorgWindow: Int? = nil,
        maxBlocksPerScan: Int = 500, timeout: Duration = .seconds(10)
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.credentials = credentials
        self.asset = asset
        self.decimals = decimals
        self.tokens = tokens
        self.confirmations = confirmations
        self.useFinalized = useFinalized
        self.startHeight = startHeight
        self.reorgWindow = reorgWindow ?? max(confirmations * 2, 100)
        self.maxBlocksPerScan = maxBlocksPerScan
        self.timeout = timeout
    }

    /// The defaults of a chain by its well-known name: kind, asset, decimals, confirmations, finalized tag.
    struct Defaults {
        var kind: ChainKind
        var asset: String
        var decimals: Int
        var confirmations: Int
        var useFinalized: Bool
    }

    static let wellKnown: [String: Defaults] = [
        "bitcoin": Defaults(kind: .bitcoin, asset: "BTC", decimals: 8, confirmations: 6, useFinalized: false),
        "ethereum": Defaults(kind: .ethereum, asset: "ETH", decimals: 18, confirmations: 12, useFinalized: true),
        "bsc": Defaults(kind: .ethereum, asset: "BNB", decimals: 18, confirmations: 15, useFinalized: false),
        "polygon": Defaults(kind: .ethereum, asset: "POL", decimals: 18, confirmations: 128, useFinalized: false),
    ]

    /// The dialect of a chain Ballast knows by name (`bitcoin`, `ethereum`, `bsc`, `polygon`); nil for any other.
    public static func defaultKind(of name: String) -> ChainKind? { wellKnown[name]?.kind }

    /// Confirmations the seed requires for chains Ballast has no adapter for yet (Solana: 32), so a configuration
    /// naming one says what is missing instead of silently crediting at another count.
    static let unsupported: Set<String> = ["solana"]

    /// The chains listed in `BALLAST_CHAINS` (comma-separated names; none: deposits watches nothing).
    public static func all(from environment: EnvironmentReader = EnvironmentReader()) throws(ConfigurationError) -> [ChainSettings] {
        let listed = environment.string("BALLAST_CHAINS", default: "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }.filter { !$0.isEmpty }
        var seen: Set<String> = []
        var chains: [ChainSettings] = []
        for name in listed {
            guard seen.insert(name).inserted else {
                throw ConfigurationError(variable: "BALLAST_CHAINS", reason: "'\(name)' is listed twice")
            }
            chains.append(try ChainSettings(name: name, environment: environment))
        }
        return chains
    }

    init(name: String, environment: EnvironmentReader) throws(ConfigurationError) {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }), name.count <= 32 else {
            throw ConfigurationError(variable: "BALLAST_CHAINS", reason: "'\(name)' is not a chain name (letters, digits, '-')")
        }
        let prefix = "BALLAST_CHAIN_" + name.uppercased().replacingOccurrences(of: "-", with: "_") + "_"
        if Self.unsupported.contains(name) {
            throw ConfigurationError(
                variable: "BALLAST_CHAINS", reason: "'\(name)' has no adapter yet (Bitcoin- and Ethereum-style nodes only)")
        }
        let defaults = Self.wellKnown[name]
        let kind: ChainKind
        if let text = environment.string(prefix + "KIND") {
            guard let parsed = ChainKind(rawValue: text.lowercased()) else {
                throw ConfigurationError(variable: prefix + "KIND", reason: "expected bitcoin or ethereum, got '\(text)'")
            }
            kind = parsed
        } else if let known = defaults?.kind {
            kind = known
        } else {
            throw ConfigurationError(
                variable: prefix + "KIND", reason: "required for a chain Ballast has no defaults for (bitcoin or ethereum)")
        }
        guard let url = environment.string(prefix + "URL"), url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ConfigurationError(variable: prefix + "URL", reason: "required: the node's JSON-RPC URL (http:// or https://)")
        }
        var credentials: JSONRPCClient.Credentials?
        if let user = environment.string(prefix + "RPC_USER") {
            guard let password = environment.string(prefix + "RPC_PASSWORD") else {
                throw ConfigurationError(variable: prefix + "RPC_PASSWORD", reason: "required with \(prefix)RPC_USER")
            }
            credentials = JSONRPCClient.Credentials(user: user, password: password)
        }
        guard let asset = environment.string(prefix + "ASSET")?.uppercased() ?? defaults?.asset, Self.isAsset(asset) else {
            throw ConfigurationError(variable: prefix + "ASSET", reason: "required: the chain's native asset (for example BTC)")
        }
        let decimals = try environment.integer(
            prefix + "DECIMALS", default: defaults?.decimals ?? (kind == .bitcoin ? 8 : 18), range: 0...30)
        let confirmations = try environment.integer(prefix + "CONFIRMATIONS", default: defaults?.confirmations ?? 12, range: 1...10_000)
        let useFinalized = try environment.boolean(prefix + "FINALIZED", default: defaults?.useFinalized ?? false)
        if useFinalized && kind != .ethereum {
            throw ConfigurationError(variable: prefix + "FINALIZED", reason: "only Ethereum-style nodes have a finalized block")
        }
        var startHeight: Int64?
        if environment.string(prefix + "START_HEIGHT") != nil {
            startHeight = Int64(try environment.integer(prefix + "START_HEIGHT", default: 0, range: 0...Int(Int32.max)))
        }
        let tokens = try Self.tokens(environment.string(prefix + "TOKENS") ?? "", variable: prefix + "TOKENS", kind: kind)
        self.init(
            name: name, kind: kind, url: url, credentials: credentials, asset: asset, decimals: decimals, tokens: tokens,
            confirmations: confirmations, useFinalized: useFinalized, startHeight: startHeight,
            reorgWindow: try environment.integer(prefix + "REORG_WINDOW", default: max(confirmations * 2, 100), range: 1...100_000),
            maxBlocksPerScan: try environment.integer(prefix + "MAX_BLOCKS_PER_SCAN", default: 500, range: 1...100_000),
            timeout: .seconds(try environment.integer(prefix + "TIMEOUT_SECONDS", default: 10, range: 1...600)))
    }

    /// `ASSET:0xcontract:decimals`, comma-separated.
    static func tokens(_ text: String, variable: String, kind: ChainKind) throws(ConfigurationError) -> [Token] {
        let entries = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard entries.isEmpty || kind == .ethereum else {
            throw ConfigurationError(variable: variable, reason: "tokens are ERC-20 contracts: only on Ethereum-style chains")
        }
        var tokens: [Token] = []
        for entry in entries {
            let parts = entry.split(separator: ":").map(String.init)
            guard parts.count == 3, Self.isAsset(parts[0].uppercased()), let decimals = Int(parts[2]), (0...30).contains(decimals),
                let contract = try? EthereumAddress(parts[1])
            else {
                throw ConfigurationError(variable: variable, reason: "expected ASSET:0xcontract:decimals, got '\(entry)'")
            }
            tokens.append(Token(asset: parts[0].uppercased(), contract: contract.lowercased, decimals: decimals))
        }
        return tokens
    }

    static func isAsset(_ text: String) -> Bool {
        (1...12).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    }
}
