/// One field of a cron expression, parsed: the values it matches as a bitmask, and its list items as written.
struct CronFieldPattern: Sendable {
    /// One comma-separated item, `first-last/step`; `*` is remembered because Vixie's day rule and explanations depend on it.
    struct Item: Sendable {
        let first: Int
        let last: Int
        let step: Int
        let isWildcard: Bool

        var isSingleValue: Bool { first == last }
    }

    let field: CronField
    let text: String
    let items: [Item]
    /// Bit n is set when value n matches; day-of-week 7 is stored as 0.
    let mask: UInt64
    /// Vixie cron's DOM_STAR, DOW_STAR and HR_STAR flag: the field's first character is `*` (or `?`), even in `*/2`.
    let startsWithStar: Bool

    init(_ text: Substring, field: CronField) throws(CronExpressionError) {
        self.field = field
        self.text = String(text)
        if text == "?" {
            // Quartz and NestJS write `?` for "no specific day"; it means the same as `*`.
            guard field == .dayOfMonth || field == .dayOfWeek else {
                throw CronExpressionError(
                    field: field, text: text, reason: "'?' is only allowed in the day-of-month and day-of-week fields")
            }
            items = [Item(first: field.bounds.lowerBound, last: field.wildcardEnd, step: 1, isWildcard: true)]
        } else {
            var items: [Item] = []
            for itemText in text.split(separator: ",", omittingEmptySubsequences: false) {
                do throws(CronExpressionError) {
                    items.append(try Self.item(itemText, field: field))
                } catch {
                    throw CronExpressionError(field: field, text: text, reason: error.reason)
                }
            }
            self.items = items
        }
        var mask: UInt64 = 0
        for item in items {
            for value in stride(from: item.first, through: item.last, by: item.step) {
                mask |= 1 << (field == .dayOfWeek ? value % 7 : value)
            }
        }
        self.mask = mask
        startsWithStar = text.first == "*" || text.first == "?"
    }

    /// True when every value of the field matches, however it was written.
    var matchesEverything: Bool {
        let bounds = field.bounds
        let all: UInt64 = (1 << (field.wildcardEnd + 1)) - (1 << bounds.lowerBound)
        return mask == all
    }

    /// The matched values in ascending order (Sunday as 0).
    var values: [Int] {
        (0..<64).filter { mask & (1 << $0) != 0 }
    }

    private static func item(_ text: Substring, field: CronField) throws(CronExpressionError) -> Item {
        guard !text.isEmpty else { throw CronExpressionError("empty list item") }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw CronExpressionError("'\(text)' has more than one '/'") }
        let base = parts[0]
        guard !base.isEmpty else { throw CronExpressionError("'\(text)' has nothing before '/'") }
        var step = 1
        if parts.count == 2 {
            let stepText = parts[1]
            guard !stepText.isEmpty else { throw CronExpressionError("'\(text)' has no step after '/'") }
            guard stepText.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(stepText) else {
                throw CronExpressionError("step '\(stepText)' is not a number")
            }
            guard value >= 1 else { throw CronExpressionError("step must be at least 1") }
            step = value
        }
        if base == "*" {
            return Item(first: field.bounds.lowerBound, last: field.wildcardEnd, step: step, isWildcard: true)
        }
        let ends = base.split(separator: "-", omittingEmptySubsequences: false)
        switch ends.count {
        case 1:
            let value = try self.value(base, field: field)
            // `5/15` is short for `5-59/15`.
            return Item(first: value, last: parts.count == 2 ? max(value, field.wildcardEnd) : value, step: step, isWildcard: false)
        case 2:
            guard !ends[0].isEmpty else { throw CronExpressionError("range '\(base)' has no start") }
            guard !ends[1].isEmpty else { throw CronExpressionError("range '\(base)' has no end") }
            let first = try value(ends[0], field: field)
            var last = try value(ends[1], field: field)
            // SUN is 0, but `fri-sun` plainly means Friday through Sunday.
            if field == .dayOfWeek, last == 0, first > 0, ends[1].first?.isLetter == true {
                last = 7
            }
            guard first <= last else {
                let bounds = field.bounds
                throw CronExpressionError(
                    "range \(base) runs backwards; ranges do not wrap around, write \(first)-\(bounds.upperBound),\(bounds.lowerBound)-\(last)"
                )
            }
            return Item(first: first, last: last, step: step, isWildcard: false)
        default:
            throw CronExpressionError("'\(base)' is not a valid range")
        }
    }

    private static func value(_ text: Substring, field: CronField) throws(CronExpressionError) -> Int {
        let bounds = field.bounds
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard text.count <= 4, let value = Int(text), bounds.contains(value) else {
                throw CronExpressionError("\(text) is out of range \(bounds.lowerBound)-\(bounds.upperBound)")
            }
            return value
        }
        let names = field.valueNames
        guard !names.isEmpty else { throw CronExpressionError("'\(text)' is not a number") }
        guard text.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw CronExpressionError("'\(text)' is not a number or \(field.nameKind) name")
        }
        guard let index = names.firstIndex(of: text.uppercased()) else {
            throw CronExpressionError("unknown \(field.nameKind) name '\(text)'; expected \(names[0])-\(names[names.count - 1])")
        }
        return bounds.lowerBound + index
    }
}
