/// The six positions of a cron expression and the values each accepts.
enum CronField: Sendable, CaseIterable {
    case second, minute, hour, dayOfMonth, month, dayOfWeek

    var name: String {
        switch self {
        case .second: "second"
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The values that may be written; day-of-week accepts 7 as a second Sunday.
    var bounds: ClosedRange<Int> {
        switch self {
        case .second, .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// Where `*` and `N/step` end: Sunday is 0, so a day-of-week wildcard need not reach the alias 7.
    var wildcardEnd: Int { self == .dayOfWeek ? 6 : bounds.upperBound }

    /// Three-letter names, in value order starting at the field's lowest value.
    var valueNames: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// What a name in this field is called in error messages.
    var nameKind: String { self == .month ? "month" : "day" }

    /// How explanations write a value: month and weekday names in full, other fields as numbers.
    func spelledOut(_ value: Int) -> String {
        switch self {
        case .month:
            ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"][
                value - 1]
        case .dayOfWeek: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][value % 7]
        default: String(value)
        }
    }
}
