/// A `getblock` result that does not have the documented shape.
public struct BitcoinBlockFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
