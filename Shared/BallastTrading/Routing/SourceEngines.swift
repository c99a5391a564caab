/// The engines a source's signals are decided by outside experiments (`signal_sources.engine`): one for all, and one
/// per strategy over it. Without either, `rules`.
public struct SourceEngines: Sendable, Equatable, Codable {
    public var engine: EngineChoice?
    public var strategies: [String: EngineChoice]

    public init(engine: EngineChoice? = nil, strategies: [String: EngineChoice] = [:]) {
        self.engine = engine
        self.strategies = strategies
    }

    /// The engine for signals of `strategy`.
    public func choice(strategy: String?) -> EngineChoice? {
        strategy.flatMap { strategies[$0] } ?? engine
    }
}
