import BallastCore
import BallastPostgres
import BallastRedis
import Foundation
import Logging
import PostgresNIO
import Testing

/// The Redis and PostgreSQL that `scripts/test` starts for the test run.
enum TestServers {
    static var redis: RedisEndpoint {
        get throws {
            try RedisEndpoint(url: try variable("BALLAST_TEST_REDIS_URL"), variable: "BALLAST_TEST_REDIS_URL")
        }
    }

    static var postgres: PostgresEndpoint {
        get throws {
            try PostgresEndpoint(url: try variable("BALLAST_TEST_DATABASE_URL"), variable: "BALLAST_TEST_DATABASE_URL")
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    /// A name no other test uses, so suites can run in parallel against the same servers.
    static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    private static func variable(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw TestSetupError("\(name) is not set: run the tests through scripts/test, which starts Redis and PostgreSQL")
        }
        return value
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
