/// A named decision pipeline. `rules`: the account's risk checks and the signal's own sizing, as every signal had
/// before engines. `confirmed`: the same after the market confirms the entry (trend and momentum from candles) and
/// with the position sized so the trade risks a set share of equity (`ConfirmationSettings`).
public enum DecisionEngine: Sendable, Equatable {
    case rules
    case confirmed(ConfirmationSettings)

    public static let names = ["rules", "confirmed"]

    public var name: String {
        switch self {
        case .rules: "rules"
        case .confirmed: "confirmed"
        }
    }

    /// The engine `name` with `settings` (values as text); a wrong name or setting is an error naming its field.
    public init(name: String, settings: [String: String]) throws(EngineSettingsError) {
        switch name {
        case "rules":
            if let key = settings.keys.sorted().first {
                throw EngineSettingsError(field: "settings.\(key.prefix(64))", reason: "is not a setting of the rules engine; it has none")
            }
            self = .rules
        case "confirmed": self = .confirmed(try ConfirmationSettings(settings))
        default:
            throw EngineSettingsError(
                field: "engine", reason: "'\(name.prefix(64))' is not an engine; expected \(Self.names.joined(separator: " or "))")
        }
    }
}
