/// Why a portfolio cannot be planned; a run that gets one fails with it and trades nothing.
public enum PlanningError: Error, Equatable, CustomStringConvertible {
    case missingPrice(asset: String)
    case nonPositivePrice(asset: String)
    case stalePrice(asset: String, ageSeconds: Int)
    /// Holdings or prices so large that their values leave the exact range (about 1.7e22 of the quote currency).
    case outOfRange(asset: String)
    /// An input no plan can be made from (a negative amount, a weight outside 0 to 100, a fee of 100 % or more).
    case invalidInput(field: String, reason: String)

    public var description: String {
        switch self {
        case .missingPrice(let asset): "no price for \(asset)"
        case .nonPositivePrice(let asset): "the price of \(asset) is not above 0"
        case .stalePrice(let asset, let age): "the price of \(asset) is \(age) s old"
        case .outOfRange(let asset): "the value of \(asset) is beyond the range a plan can hold exactly"
        case .invalidInput(let field, let reason): "\(field) \(reason)"
        }
    }
}
