import Foundation

/// An API key pair the simulated Kraken accepts: the public key sent in `API-Key`, and the base64 secret that signs.
/// Written to and read from a credentials file of two lines, `api_key=...` and `api_secret=...`, the file
/// `ballast account create --venue kraken --api-key-file FILE` reads.
public struct KrakenSimulatorCredential: Sendable, Equatable {
    public var apiKey: String
    /// Base64, as Kraken shows a secret.
    public var secret: String

    public init(apiKey: String, secret: String) {
        self.apiKey = apiKey
        self.secret = secret
    }

    /// A new random pair shaped like Kraken's: a 56-character base64 key and a 64-byte secret.
    public static func random() -> KrakenSimulatorCredential {
        var generator = SystemRandomNumberGenerator()
        func bytes(_ count: Int) -> Data { Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        return KrakenSimulatorCredential(apiKey: bytes(42).base64EncodedString(), secret: bytes(64).base64EncodedString())
    }

    /// Why a credentials file cannot be used.
    public enum FileError: Error, Equatable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        /// The file's own problem, as `ExchangeCredentialsFile` reads it.
        case invalid(path: String, ExchangeCredentialsFile.Failure)
        case secretNotBase64(path: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
            case .invalid(_, let failure): "\(failure)"
            case .secretNotBase64(let path): "the api_secret in \(path) is not base64"
            }
        }
    }

    /// Reads the file `ballast account create --venue kraken --api-key-file` reads (`ExchangeCredentialsFile`), whose
    /// secret must be base64 as Kraken's are.
    public static func read(from path: String) throws(FileError) -> KrakenSimulatorCredential {
        let file: ExchangeCredentialsFile
        do {
            file = try ExchangeCredentialsFile(contentsOf: path)
        } catch .unreadable(_, let reason) {
            throw .unreadable(path: path, reason: reason)
        } catch {
            throw .invalid(path: path, error)
        }
        guard Data(base64Encoded: file.secret) != nil else { throw .secretNotBase64(path: path) }
        return KrakenSimulatorCredential(apiKey: file.apiKey, secret: file.secret)
    }

    /// Writes the file to a new file at `path` readable by its owner only (0600): it holds a secret.
    public func write(to path: String) throws(FileError) {
        let text = ExchangeCredentialsFile(apiKey: apiKey, secret: secret).text
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw .unreadable(path: path, reason: "the file cannot be created")
        }
    }
}
