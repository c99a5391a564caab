import Foundation

/// Where Redis is, parsed from `redis://[:password@]host[:port][/db]`.
public struct RedisEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var password: Secret?
    public var database: Int

    public init(host: String, port: Int = 6379, password: Secret? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
    }

    /// Parses a Redis URL; the error names `variable` and never repeats the password.
    public init(url text: String, variable: String) throws(ConfigurationError) {
        func invalid(_ reason: String) -> ConfigurationError {
            ConfigurationError(variable: variable, reason: reason)
        }
        guard let components = URLComponents(string: text), components.scheme == "redis" else {
            throw invalid("expected redis://[:password@]host[:port][/db]")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("the URL has no host") }
        let port = components.port ?? 6379
        guard (1...65_535).contains(port) else { throw invalid("port \(port) is out of range") }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        var database = 0
        if !path.isEmpty {
            guard let number = Int(path), number >= 0 else { throw invalid("database '\(path)' is not a number") }
            database = number
        }
        let password = components.password.flatMap { $0.isEmpty ? nil : Secret($0.removingPercentEncoding ?? $0) }
        self.init(host: host, port: port, password: password, database: database)
    }

    /// The endpoint as a URL with the password masked, for logs.
    public var redacted: String {
        "redis://\(password == nil ? "" : ":***@")\(host):\(port)/\(database)"
    }
}
