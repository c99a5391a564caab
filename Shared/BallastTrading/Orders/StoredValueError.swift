/// A stored row that the code cannot read (a value outside the enumerations the schema allows).
struct StoredValueError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
