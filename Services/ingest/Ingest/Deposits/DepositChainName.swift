/// A chain's name as the deposits tables and `BALLAST_CHAINS` write it: lower case, letters, digits and '-', at most 32.
enum DepositChainName {
    static func normalized(_ text: String) -> String? {
        let name = text.lowercased()
        guard (1...32).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            return nil
        }
        return name
    }
}

extension QueryParameters {
    /// `chain`, a chain's name (`DepositChainName`); nil when absent.
    mutating func chain() -> String? {
        guard let text = parameters["chain"] else { return nil }
        guard let chain = DepositChainName.normalized(text) else {
            report("chain", "is not a chain name (letters, digits and '-', at most 32)")
            return nil
        }
        return chain
    }
}
