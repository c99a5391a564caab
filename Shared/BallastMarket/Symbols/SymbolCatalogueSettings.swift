import BallastCore
import Foundation

/// How tickers map onto market symbols (see `SymbolCatalogue` and docs/configuration.md), read in one place.
public struct SymbolCatalogueSettings: Sendable, Equatable {
    /// Asset renames: the defaults (`SymbolCatalogue.defaultBaseAliases`) with `BALLAST_BASE_ALIASES` over them.
    public var baseAliases: [String: String]
    /// Quote substitutions (`BALLAST_QUOTE_ALIASES`); none by default.
    public var quoteAliases: [String: String]

    public init(baseAliases: [String: String] = SymbolCatalogue.defaultBaseAliases, quoteAliases: [String: String] = [:]) {
        self.baseAliases = baseAliases
        self.quoteAliases = quoteAliases
    }

    public init(environment: EnvironmentReader) throws(ConfigurationError) {
        baseAliases = SymbolCatalogue.defaultBaseAliases.merging(
            try Self.aliases(environment, "BALLAST_BASE_ALIASES", example: "XBT=BTC,XDG=DOGE")
        ) { _, configured in configured }
        quoteAliases = try Self.aliases(environment, "BALLAST_QUOTE_ALIASES", example: "USDT=USD,USDC=USD")
    }

    /// `FROM=TO` pairs separated by commas; codes are 1 to 16 letters or digits, in any case (stored upper case).
    /// Empty entries (a trailing comma) are ignored; an entry without `=`, a bad code or a repeated `FROM` is an error.
    private static func aliases(
        _ environment: EnvironmentReader, _ variable: String, example: String
    ) throws(ConfigurationError) -> [String: String] {
        guard let text = environment.string(variable) else { return [:] }
        var aliases: [String: String] = [:]
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let sides = trimmed.split(separator: "=", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces).uppercased()
            }
            guard sides.count == 2 else {
                throw ConfigurationError(
                    variable: variable, reason: "expected comma-separated FROM=TO pairs such as \(example), got '\(trimmed)'")
            }
            for code in sides where !isAssetCode(code) {
                throw ConfigurationError(
                    variable: variable, reason: "'\(code)' in '\(trimmed)' is not an asset code (1 to 16 letters or digits)")
            }
            guard aliases[sides[0]] == nil else {
                throw ConfigurationError(variable: variable, reason: "\(sides[0]) is given more than once")
            }
            aliases[sides[0]] = sides[1]
        }
        return aliases
    }

    private static func isAssetCode(_ code: String) -> Bool {
        (1...16).contains(code.utf8.count) && code.utf8.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }
    }
}
