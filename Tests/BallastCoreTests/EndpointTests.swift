import BallastCore
import Testing

@Suite("Connection URLs")
struct EndpointTests {
    @Test(
        "Redis URLs",
        arguments: [
            ("redis://127.0.0.1:16379", RedisEndpoint(host: "127.0.0.1", port: 16379)),
            ("redis://cache", RedisEndpoint(host: "cache", port: 6379)),
            ("redis://:s%40cret@cache:6380/2", RedisEndpoint(host: "cache", port: 6380, password: Secret("s@cret"), database: 2)),
        ]
    )
    func redis(url: String, expected: RedisEndpoint) throws {
        #expect(try RedisEndpoint(url: url, variable: "BALLAST_REDIS_URL") == expected)
    }

    @Test(
        "bad Redis URLs name the variable",
        arguments: [
            ("http://cache:6379", "expected redis://[:password@]host[:port][/db]"),
            ("redis://", "the URL has no host"),
            ("redis://cache:6379/x", "database 'x' is not a number"),
            ("redis://cache:99999", "port 99999 is out of range"),
        ]
    )
    func badRedis(url: String, reason: String) {
        #expect(throws: ConfigurationError(variable: "BALLAST_REDIS_URL", reason: reason)) {
            try RedisEndpoint(url: url, variable: "BALLAST_REDIS_URL")
        }
    }

    @Test(
        "Postgres URLs",
        arguments: [
            (
                "postgres://ballast:ballast@127.0.0.1:15432/ballast",
                PostgresEndpoint(host: "127.0.0.1", port: 15432, username: "ballast", password: Secret("ballast"), database: "ballast")
            ),
            (
                "postgresql://app@db/trading?sslmode=require",
                PostgresEndpoint(host: "db", username: "app", password: nil, database: "trading", tls: .require)
            ),
        ]
    )
    func postgres(url: String, expected: PostgresEndpoint) throws {
        #expect(try PostgresEndpoint(url: url, variable: "BALLAST_DATABASE_URL") == expected)
    }

    @Test(
        "bad Postgres URLs name the variable",
        arguments: [
            ("mysql://u@h/db", "expected postgres://user[:password]@host[:port]/database"),
            ("postgres://u@h", "the URL names no database"),
            ("postgres://h/db", "the URL has no user name"),
            ("postgres://u@h/db?sslmode=verify", "sslmode 'verify' is not one of disable, prefer, require"),
        ]
    )
    func badPostgres(url: String, reason: String) {
        #expect(throws: ConfigurationError(variable: "BALLAST_DATABASE_URL", reason: reason)) {
            try PostgresEndpoint(url: url, variable: "BALLAST_DATABASE_URL")
        }
    }

    @Test("passwords never appear in the redacted forms")
    func redaction() throws {
        let redis = try RedisEndpoint(url: "redis://:hunter2@cache:6379/0", variable: "X")
        let postgres = try PostgresEndpoint(url: "postgres://app:hunter2@db/trading", variable: "X")
        #expect(!redis.redacted.contains("hunter2"))
        #expect(!postgres.redacted.contains("hunter2"))
        #expect(postgres.redacted == "postgres://app:***@db:5432/trading")
    }
}

@Suite("Secrets")
struct SecretTests {
    @Test("no description, debug output or reflection of a value holding a secret shows it")
    func redacted() throws {
        let endpoint = try PostgresEndpoint(url: "postgres://app:hunter2@db/trading", variable: "X")
        #expect(!"\(endpoint)".contains("hunter2"))
        #expect(!String(reflecting: endpoint).contains("hunter2"))
        #expect(!String(describing: [Secret("hunter2")]).contains("hunter2"))
        #expect(endpoint.password?.value == "hunter2")
    }
}
