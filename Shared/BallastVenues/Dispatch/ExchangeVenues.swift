import AsyncHTTPClient
import BallastCore
import BallastTrading
import Foundation
import Logging

/// How services and the CLI reach the exchanges: where each exchange's API is (`BALLAST_KRAKEN_URL`, Kraken's own by
/// default; the simulated Kraken of `scripts/dev up --venue kraken` otherwise) and the key that opens sealed credentials
/// (`BALLAST_SECRETS_KEY`).
public struct ExchangeVenues: Sendable {
    public static let krakenURLVariable = "BALLAST_KRAKEN_URL"

    public var krakenURL: String
    /// Nil when `BALLAST_SECRETS_KEY` is not set: paper accounts trade, exchange accounts wait for it.
    public var secrets: SecretsKey?
    public var timeout: Duration

    public init(krakenURL: String = KrakenClient.defaultBaseURL, secrets: SecretsKey?, timeout: Duration = .seconds(10)) {
        self.krakenURL = krakenURL
        self.secrets = secrets
        self.timeout = timeout
    }

    /// From the environment; a `BALLAST_SECRETS_KEY` that is set but is not a key is refused here, at start.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let url = environment[Self.krakenURLVariable].flatMap { $0.isEmpty ? nil : $0 } ?? KrakenClient.defaultBaseURL
        guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil else {
            throw ConfigurationError(variable: Self.krakenURLVariable, reason: "'\(url)' is not an http(s) URL")
        }
        let secrets: SecretsKey?
        do {
            secrets = try SecretsKey.fromEnvironment(environment)
        } catch .missing {
            secrets = nil
        } catch {
            throw ConfigurationError(variable: SecretsKey.environmentVariable, reason: "\(error)")
        }
        self.init(krakenURL: url, secrets: secrets)
    }

    /// The exchange `kind` for one API key.
    public func open(_ kind: VenueKind, apiKey: String, secret: String, logger: Logger) throws -> any ExchangeVenue {
        switch kind {
        case .kraken:
            return KrakenVenue(baseURL: krakenURL, apiKey: apiKey, secret: Secret(secret), timeout: timeout, logger: logger)
        case .paper:
            throw VenueError.rejected(code: "paper", reason: "the paper venue fills in Ballast itself; it has no exchange to open")
        }
    }

    /// The connections a service's dispatcher keeps.
    public func connections(logger: Logger) -> VenueConnections {
        VenueConnections(secrets: secrets) { kind, key, secret in try open(kind, apiKey: key, secret: secret, logger: logger) }
    }
}
