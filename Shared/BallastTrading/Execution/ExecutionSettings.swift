/// Settings of order execution, for signals and for the API's closes (`BALLAST_*` variables, see docs/configuration.md).
public struct ExecutionSettings: Sendable {
    /// A last price older than this is not used to fill a market order.
    public var maxPriceAge: Duration = .seconds(60)
    /// How option signals' contracts are listed and priced.
    public var options = OptionSettings()

    public init(maxPriceAge: Duration = .seconds(60), options: OptionSettings = OptionSettings()) {
        self.maxPriceAge = maxPriceAge
        self.options = options
    }
}
