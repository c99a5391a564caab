/// A bad command line or a run that could not be measured; printed as one line, exit code 2.
struct ScenarioError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
