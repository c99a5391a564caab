/// What a ticker stands for in a `SymbolCatalogue`.
public enum SymbolResolution: Sendable, Equatable {
    /// The known market symbol the ticker trades, as market-data spells it.
    case known(String)
    /// No known symbol matches; why, and the closest known ones.
    case unknown(UnknownSymbol)

    public var symbol: String? {
        if case .known(let symbol) = self { return symbol }
        return nil
    }
}
