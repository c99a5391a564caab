/// What the simulated Ethereum node refuses to do when driven from a test or the CLI.
public enum EthereumSimulatorError: Error, Equatable, CustomStringConvertible {
    case reorganizationTooDeep(depth: Int, height: UInt64)

    public var description: String {
        switch self {
        case .reorganizationTooDeep(let depth, let height):
            "cannot reorganise \(depth) blocks of a chain at height \(height): the depth must be 1 to the height"
        }
    }
}
