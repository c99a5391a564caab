import BallastTrading
import Foundation
import Logging

/// The exchanges of exchange accounts, opened from their sealed credentials once and kept: a venue's client holds
/// the key's nonce and call counter, which must be the same object for every call with that key.
public actor VenueConnections {
    public typealias Opener = @Sendable (_ kind: VenueKind, _ apiKey: String, _ secret: String) throws -> any ExchangeVenue

    private let secrets: SecretsKey?
    private let open: Opener
    private var venues: [UUID: (credentials: SealedCredentials, venue: any ExchangeVenue)] = [:]

    /// `secrets` nil: `BALLAST_SECRETS_KEY` is not set, and no exchange account can trade (each attempt says so).
    public init(secrets: SecretsKey?, open: @escaping Opener) {
        self.secrets = secrets
        self.open = open
    }

    /// The exchange of account `account`; a change of its credentials opens it again.
    public func venue(of account: UUID, kind: VenueKind, credentials: SealedCredentials) throws -> any ExchangeVenue {
        if let known = venues[account], known.credentials == credentials { return known.venue }
        guard let secrets else { throw SecretsKey.Failure.missing }
        let context = account.uuidString.lowercased()
        let venue = try open(
            kind, try secrets.open(credentials.apiKey, context: context), try secrets.open(credentials.secret, context: context))
        venues[account] = (credentials, venue)
        return venue
    }
}
