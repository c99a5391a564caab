import BallastCore
import BallastMarket

/// The market symbols that a batch's tickers resolve to (`SymbolCatalogue`): the order, its fills and its position
/// use the resolved symbol (`BTCUSD` trades `BTC-USD`); the signal keeps what its sender sent.
struct SignalSymbols: Sendable {
    var resolutions: [String: SymbolResolution] = [:]

    /// Resolves the tickers of `signals`; those in `known` are not asked again. Inside a transaction, pass
    /// `reloadingOnMiss: false` (`KnownSymbols.resolve`).
    static func resolve(
        _ signals: [SignalDocument], with catalogue: KnownSymbols, besides known: Self = Self(), reloadingOnMiss: Bool = true
    ) async throws -> Self {
        let missing = signals.map(ticker).filter { known.resolutions[$0] == nil }
        guard !missing.isEmpty else { return known }
        let resolved = try await catalogue.resolve(missing, reloadingOnMiss: reloadingOnMiss)
        return Self(resolutions: known.resolutions.merging(resolved) { first, _ in first })
    }

    /// The ticker as the sender wrote it: `COINBASE:BTCUSD`, or `BTCUSD` without an exchange.
    static func ticker(of signal: SignalDocument) -> String {
        signal.exchange.map { "\($0):\(signal.symbol)" } ?? signal.symbol
    }

    /// The order `signal` asks for, on the market symbol its ticker resolves to (as sent, upper case, when it does
    /// not resolve: `unknown(_:)` says why).
    func request(for signal: SignalDocument) -> Result<OrderRequest, RejectionReasons> {
        OrderRequest.from(signal).map { request in
            guard let symbol = resolutions[Self.ticker(of: signal)]?.symbol else { return request }
            var resolved = request
            resolved.symbol = symbol
            return resolved
        }
    }

    /// Why `signal`'s ticker matches no known symbol, nil when it resolved.
    func unknown(_ signal: SignalDocument) -> UnknownSymbol? {
        if case .unknown(let unknown) = resolutions[Self.ticker(of: signal)] { return unknown }
        return nil
    }

    func isResolved(_ signal: SignalDocument) -> Bool { resolutions[Self.ticker(of: signal)]?.symbol != nil }
}
