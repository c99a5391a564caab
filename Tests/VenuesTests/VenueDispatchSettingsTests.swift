import BallastCore
import Testing

@testable import BallastVenues

@Suite struct VenueDispatchSettingsTests {
    @Test(arguments: [(0, 1), (1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (30, 60)])
    func backoffDoublesUpToItsLongestWait(attempts: Int, seconds: Int64) {
        let settings = VenueDispatchSettings(firstBackoff: .seconds(1), maximumBackoff: .seconds(60))
        #expect(settings.backoff(after: attempts) == .seconds(seconds))
    }

    @Test func readsItsVariablesAndRefusesBadOnesByName() throws {
        let settings = try VenueDispatchSettings(
            environment: EnvironmentReader(["BALLAST_VENUE_MAX_ATTEMPTS": "3", "BALLAST_VENUE_LOOKUP_GRACE_SECONDS": "0"]))
        #expect(settings.maximumAttempts == 3 && settings.lookupGrace == .zero)
        #expect(throws: ConfigurationError.self) {
            try VenueDispatchSettings(environment: EnvironmentReader(["BALLAST_VENUE_POLL_MILLISECONDS": "0"]))
        }
    }

    @Test func aMalformedSecretsKeyStopsTheStartAndAMissingOneDoesNot() throws {
        #expect(try ExchangeVenues(environment: [:]).secrets == nil)
        #expect(throws: ConfigurationError.self) { try ExchangeVenues(environment: ["BALLAST_SECRETS_KEY": "short"]) }
        #expect(throws: ConfigurationError.self) { try ExchangeVenues(environment: ["BALLAST_KRAKEN_URL": "ftp://x"]) }
    }
}
