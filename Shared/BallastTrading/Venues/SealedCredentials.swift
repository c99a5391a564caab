import Foundation

/// An exchange account's API key and secret as stored: sealed boxes only `SecretsKey` opens, and the key's last four
/// characters for operators.
public struct SealedCredentials: Sendable, Equatable {
    public var apiKey: Data
    public var secret: Data
    public var keyHint: String

    public init(apiKey: Data, secret: Data, keyHint: String) {
        self.apiKey = apiKey
        self.secret = secret
        self.keyHint = keyHint
    }
}
