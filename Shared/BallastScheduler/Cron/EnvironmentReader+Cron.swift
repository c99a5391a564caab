import BallastCore

extension EnvironmentReader {
    /// The cron expression in `name` (or `fallback`), checked: one that does not parse is a configuration error
    /// naming the variable.
    public func cronSchedule(_ name: String, default fallback: String) throws(ConfigurationError) -> String {
        let text = string(name, default: fallback)
        do {
            _ = try CronExpression(text)
        } catch {
            throw ConfigurationError(variable: name, reason: "\(error)")
        }
        return text
    }
}
