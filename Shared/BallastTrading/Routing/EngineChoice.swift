/// An engine and its settings, as a source names it for its signals.
public struct EngineChoice: Sendable, Equatable, Codable {
    public var engine: String
    public var settings: [String: String]

    public init(engine: String, settings: [String: String] = [:]) {
        self.engine = engine
        self.settings = settings
    }
}
