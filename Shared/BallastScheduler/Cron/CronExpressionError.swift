/// Why a cron expression was refused, phrased so the person who wrote it can fix it.
public struct CronExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field at fault ("minute", "day-of-month", ...), or nil when the expression as a whole is wrong.
    public let field: String?
    /// That field's text as written; nil when `field` is nil.
    public let fieldText: String?
    public let reason: String

    init(_ reason: String) {
        field = nil
        fieldText = nil
        self.reason = reason
    }

    init(field: CronField, text: some StringProtocol, reason: String) {
        self.field = field.name
        fieldText = String(text)
        self.reason = reason
    }

    /// For example `day-of-month field '32': 32 is out of range 1-31`.
    public var description: String {
        guard let field else { return reason }
        return "\(field) field '\(fieldText ?? "")': \(reason)"
    }
}
