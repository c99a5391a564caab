/// Name and value pairs PostgreSQL packs into one text column for the drift monitor's pages: one string per row
/// decodes far faster than arrays or JSON (scripts/bench/rebalancer).
enum PackedPairs {
    /// Rows of `source` packed with `string_agg`: the ASCII unit separator between name and value, the record
    /// separator between pairs; neither can be part of an asset name or a number.
    static func sql(name: String, value: String, from source: String) -> String {
        "(SELECT string_agg(\(name) || chr(31) || \(value), chr(30)) FROM \(source))"
    }

    /// A `jsonb` object of asset names to decimal strings (`{"BTC": "60", "ETH": "40"}`) with its braces, quotes and
    /// spaces taken out: `BTC:60,ETH:40`. Far cheaper in PostgreSQL than taking the object apart with `jsonb_each_text`,
    /// and exact because asset names are letters and digits (`PortfolioSettings.problems`) and values are numbers.
    static func sql(weightsOf column: String) -> String {
        "translate(\(column)::text, '{}\" ', '')"
    }

    /// The pairs of `text` as `sql(name:value:from:)` packed them; nil (no rows) is none.
    static func unpack(_ text: String?) -> [(name: Substring, value: Substring)] {
        unpack(text, pairs: "\u{1E}", fields: "\u{1F}")
    }

    /// The pairs of `text` as `sql(weightsOf:)` packed them.
    static func unpackWeights(_ text: String?) -> [(name: Substring, value: Substring)] {
        unpack(text, pairs: ",", fields: ":")
    }

    private static func unpack(_ text: String?, pairs: Character, fields: Character) -> [(name: Substring, value: Substring)] {
        guard let text, !text.isEmpty else { return [] }
        var unpacked: [(name: Substring, value: Substring)] = []
        for record in text.split(separator: pairs) {
            guard let separator = record.firstIndex(of: fields) else { continue }
            unpacked.append((record[..<separator], record[record.index(after: separator)...]))
        }
        return unpacked
    }
}
