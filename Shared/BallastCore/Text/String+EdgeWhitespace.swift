import Foundation

extension String {
    /// The text without spaces, tabs and other Unicode spaces (`CharacterSet.whitespaces`) at either end; line breaks
    /// stay. Fields arrive trimmed far more often than not, so a text that starts and ends with visible ASCII is
    /// returned as it is, without Foundation's bridging.
    public func trimmingEdgeWhitespace() -> String {
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return self
        }
        return trimmingCharacters(in: .whitespaces)
    }
}
