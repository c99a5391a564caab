/// Name and value pairs PostgreSQL packs into one text column for the drift monitor's pages (`string_agg` with the
/// ASCII unit separator between name and value and the record separator between pairs): one string per row decodes
/// far faster than two arrays, and neither separator can be part of an asset name or a number.
enum PackedPairs {
    /// The SQL that packs `name` and `value` (text expressions) of the rows of `source`.
    static func sql(name: String, value: String, from source: String) -> String {
        "(SELECT string_agg(\(name) || chr(31) || \(value), chr(30)) FROM \(source))"
    }

    /// The pairs of `text`, as `sql` packed them; nil (no rows) is none.
    static func unpack(_ text: String?) -> [(name: Substring, value: Substring)] {
        guard let text, !text.isEmpty else { return [] }
        var pairs: [(name: Substring, value: Substring)] = []
        for record in text.split(separator: "\u{1E}", omittingEmptySubsequences: false) {
            guard let separator = record.firstIndex(of: "\u{1F}") else { continue }
            pairs.append((record[..<separator], record[record.index(after: separator)...]))
        }
        return pairs
    }
}
