import Crypto
import Foundation

/// The key that seals exchange credentials at rest (AES-256-GCM), from `BALLAST_SECRETS_KEY`: 32 bytes in base64
/// (`openssl rand -base64 32`). Without it an exchange account can be neither created nor traded.
public struct SecretsKey: Sendable {
    public static let environmentVariable = "BALLAST_SECRETS_KEY"

    /// The bytes, not a `SymmetricKey`, which is not `Sendable`.
    private let bytes: Data

    private var key: SymmetricKey { SymmetricKey(data: bytes) }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case missing
        case malformed(String)
        case cannotOpen

        public var description: String {
            switch self {
            case .missing:
                "\(SecretsKey.environmentVariable) is not set: exchange credentials are sealed with it (32 bytes in base64, "
                    + "`openssl rand -base64 32`)"
            case .malformed(let why): "\(SecretsKey.environmentVariable) is not a key: \(why)"
            case .cannotOpen:
                "sealed credentials cannot be opened with \(SecretsKey.environmentVariable): sealed with another key, or damaged"
            }
        }
    }

    /// The key in `base64Text`; a key of another length than 32 bytes is refused.
    public init(base64 base64Text: String) throws(Failure) {
        guard let bytes = Data(base64Encoded: base64Text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .malformed("not base64")
        }
        guard bytes.count == 32 else { throw .malformed("\(bytes.count) bytes, expected 32") }
        self.bytes = bytes
    }

    /// The key from the environment.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) -> SecretsKey
    {
        guard let text = environment[environmentVariable], !text.isEmpty else { throw .missing }
        return try SecretsKey(base64: text)
    }

    /// `plaintext` sealed: nonce, ciphertext and tag in one blob. `context` (the account id) is authenticated with it,
    /// so a sealed secret copied onto another account's row does not open there.
    public func seal(_ plaintext: String, context: String) throws -> Data {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw Failure.malformed("the nonce is not 12 bytes") }
        return combined
    }

    public func open(_ sealed: Data, context: String) throws(Failure) -> String {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let plaintext = try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
            return String(decoding: plaintext, as: UTF8.self)
        } catch {
            throw .cannotOpen
        }
    }
}
