/// A decision engine's name or setting that cannot be used, with the field it came from (`engine`, `settings.fastEma`),
/// so the API's 400 names it.
public struct EngineSettingsError: Error, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field) \(reason)" }
}
