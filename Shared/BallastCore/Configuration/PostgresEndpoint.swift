import Foundation

/// Where PostgreSQL is, parsed from `postgres://user[:password]@host[:port]/database[?sslmode=...]`.
public struct PostgresEndpoint: Sendable, Equatable {
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: Secret?
    public var database: String
    public var tls: TLSMode

    public init(
        host: String,
        port: Int = 5432,
        username: String,
        password: Secret?,
        database: String,
        tls: TLSMode = .disable
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Parses a Postgres URL; the error names `variable` and never repeats the password.
    public init(url text: String, variable: String) throws(ConfigurationError) {
        func invalid(_ reason: String) -> ConfigurationError {
            ConfigurationError(variable: variable, reason: reason)
        }
        guard let components = URLComponents(string: text),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else {
            throw invalid("expected postgres://user[:password]@host[:port]/database")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("the URL has no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("the URL has no user name") }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw invalid("port \(port) is out of range") }
        let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !database.isEmpty else { throw invalid("the URL names no database") }
        var tls = TLSMode.disable
        if let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            guard let parsed = TLSMode(rawValue: mode) else {
                throw invalid("sslmode '\(mode)' is not one of disable, prefer, require")
            }
            tls = parsed
        }
        self.init(
            host: host,
            port: port,
            username: user.removingPercentEncoding ?? user,
            password: components.password.map { Secret($0.removingPercentEncoding ?? $0) },
            database: database,
            tls: tls
        )
    }

    /// The endpoint as a URL with the password masked, for logs.
    public var redacted: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }
}
